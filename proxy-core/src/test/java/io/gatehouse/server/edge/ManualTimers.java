package io.gatehouse.server.edge;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.xnio.XnioExecutor;

/** An IO thread's timers and a monotonic clock that move only when the test says so. */
public final class ManualTimers implements XnioExecutor, LongSupplier {
    private final List<Task> tasks = new ArrayList<>();
    private long now = 1_000_000_000L;

    private final class Task implements Key {
        final Runnable command;
        final long due;
        boolean removed;

        Task(Runnable command, long due) {
            this.command = command;
            this.due = due;
        }

        @Override
        public boolean remove() {
            boolean was = !removed;
            removed = true;
            tasks.remove(this);
            return was;
        }
    }

    @Override
    public long getAsLong() {
        return now;
    }

    @Override
    public void execute(Runnable command) {
        command.run();
    }

    @Override
    public Key executeAfter(Runnable command, long time, TimeUnit unit) {
        Task task = new Task(command, now + unit.toNanos(time));
        tasks.add(task);
        return task;
    }

    @Override
    public Key executeAtInterval(Runnable command, long time, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    /** Scheduled tasks not yet run or removed. */
    public int pending() {
        return tasks.size();
    }

    /** Moves the clock forward and runs every task that has come due, in order. */
    public void advance(long nanos) {
        now += nanos;
        for (int guard = 0; guard < 1000; guard++) {
            Task due = null;
            for (Task t : tasks) {
                if (t.due <= now && (due == null || t.due < due.due)) {
                    due = t;
                }
            }
            if (due == null) {
                return;
            }
            tasks.remove(due);
            due.command.run();
        }
        throw new AssertionError("timer tasks keep rescheduling themselves");
    }
}
