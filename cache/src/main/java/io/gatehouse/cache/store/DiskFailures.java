package io.gatehouse.cache.store;

import org.ehcache.Cache;
import org.ehcache.spi.resilience.ResilienceStrategy;
import org.ehcache.spi.resilience.StoreAccessException;

import java.util.Map;

/**
 * Hands every failure of the disk store back to the disk tier as an exception, so that the tier
 * counts it and logs it once per kind (rather than Ehcache logging each one on its own).
 */
final class DiskFailures<K, V> implements ResilienceStrategy<K, V> {

    /** A failed disk store operation, carrying the store's exception. */
    static final class DiskStoreException extends RuntimeException {
        DiskStoreException(String operation, StoreAccessException cause) {
            super("disk store " + operation + ": " + cause.getMessage(), cause);
        }
    }

    private static DiskStoreException failed(String operation, StoreAccessException e) {
        return new DiskStoreException(operation, e);
    }

    @Override
    public V getFailure(K key, StoreAccessException e) {
        throw failed("get", e);
    }

    @Override
    public boolean containsKeyFailure(K key, StoreAccessException e) {
        throw failed("containsKey", e);
    }

    @Override
    public void putFailure(K key, V value, StoreAccessException e) {
        throw failed("put", e);
    }

    @Override
    public void removeFailure(K key, StoreAccessException e) {
        throw failed("remove", e);
    }

    @Override
    public void clearFailure(StoreAccessException e) {
        throw failed("clear", e);
    }

    @Override
    public Cache.Entry<K, V> iteratorFailure(StoreAccessException e) {
        throw failed("iterate", e);
    }

    @Override
    public V putIfAbsentFailure(K key, V value, StoreAccessException e) {
        throw failed("putIfAbsent", e);
    }

    @Override
    public boolean removeFailure(K key, V value, StoreAccessException e) {
        throw failed("remove", e);
    }

    @Override
    public V replaceFailure(K key, V value, StoreAccessException e) {
        throw failed("replace", e);
    }

    @Override
    public boolean replaceFailure(K key, V value, V newValue, StoreAccessException e) {
        throw failed("replace", e);
    }

    @Override
    public Map<K, V> getAllFailure(Iterable<? extends K> keys, StoreAccessException e) {
        throw failed("getAll", e);
    }

    @Override
    public void putAllFailure(Map<? extends K, ? extends V> entries, StoreAccessException e) {
        throw failed("putAll", e);
    }

    @Override
    public void removeAllFailure(Iterable<? extends K> keys, StoreAccessException e) {
        throw failed("removeAll", e);
    }
}
