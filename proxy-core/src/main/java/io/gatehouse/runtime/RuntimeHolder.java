package io.gatehouse.runtime;

import java.util.concurrent.atomic.AtomicReference;

/** The one place the current {@link Runtime} lives; a reload publishes a new one with one atomic set. */
public final class RuntimeHolder {
    private final AtomicReference<Runtime> current = new AtomicReference<>();

    /** The current generation, or null before the first configuration was built. */
    public Runtime current() {
        return current.get();
    }

    /** Publishes {@code next} and returns the generation it replaced. */
    public Runtime swap(Runtime next) {
        return current.getAndSet(next);
    }
}
