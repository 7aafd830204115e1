package io.gatehouse.upstream.balance;

import java.net.InetAddress;

/** What a request offers to a picker: the client address (for ip_hash) and a hash source (for consistent_hash). */
public interface RequestKey {
    InetAddress clientAddress();

    /** The string a consistent hash is computed over (the request URI unless configured otherwise). */
    String hashSource();
}
