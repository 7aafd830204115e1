package io.gatehouse.cache.store;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps the disk tier's operations on one key in the order they were asked for, whatever the disk
 * executor's number of threads: keys are spread over a few lanes, and each lane runs its tasks one
 * at a time, in order, on the executor (never on the thread that asked).
 */
final class DiskLanes {

    /** Work for a lane; {@link #abandon()} is called instead of {@link #run()} when the executor refuses it. */
    interface Task extends Runnable {
        void abandon();
    }

    /** Tasks a lane runs before it gives its thread back to the executor. */
    private static final int BATCH = 16;

    private final Lane[] lanes;

    DiskLanes(Executor executor, int count) {
        lanes = new Lane[count];
        for (int i = 0; i < count; i++) {
            lanes[i] = new Lane(executor);
        }
    }

    /** Runs the task on the lane of {@code key}, after every task given before for a key of that lane. */
    void execute(String key, Task task) {
        lanes[Math.floorMod(spread(key.hashCode()), lanes.length)].execute(task);
    }

    int count() {
        return lanes.length;
    }

    /** Runs the task on lane {@code i} (a barrier for closing). */
    void executeOn(int i, Task task) {
        lanes[i].execute(task);
    }

    private static int spread(int h) {
        return h ^ (h >>> 16);
    }

    private static final class Lane {
        private final Executor executor;
        private final Queue<Task> queue = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean scheduled = new AtomicBoolean();

        Lane(Executor executor) {
            this.executor = executor;
        }

        void execute(Task task) {
            queue.add(task);
            schedule();
        }

        private void schedule() {
            if (!scheduled.compareAndSet(false, true)) {
                return;
            }
            try {
                executor.execute(this::drain);
            } catch (RejectedExecutionException e) {
                scheduled.set(false);
                Task t;
                while ((t = queue.poll()) != null) {
                    t.abandon();
                }
            }
        }

        private void drain() {
            try {
                for (int i = 0; i < BATCH; i++) {
                    Task t = queue.poll();
                    if (t == null) {
                        break;
                    }
                    t.run();
                }
            } finally {
                scheduled.set(false);
                if (!queue.isEmpty()) {
                    schedule();
                }
            }
        }
    }
}
