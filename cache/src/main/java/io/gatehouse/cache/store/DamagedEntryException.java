package io.gatehouse.cache.store;

/**
 * A stored answer read back from disk is not what was written: truncated, of another format version,
 * or its length or checksum disagrees with its bytes. Such an entry is discarded and counted, never served.
 */
public final class DamagedEntryException extends Exception {

    public DamagedEntryException(String message) {
        super(message);
    }

    public DamagedEntryException(String message, Throwable cause) {
        super(message, cause);
    }
}
