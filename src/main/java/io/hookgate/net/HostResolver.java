package io.hookgate.net;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Turns a URL's host into the one address a delivery will connect to. Called once per try, and the
 * connection goes to exactly the address it answered, after the {@link TargetGuard} checked it: a
 * DNS answer that changes between the check and the connection (rebinding) cannot get through.
 * Blocking: callers run it off the event loop. Tests plug in their own to map names to loopback.
 */
@FunctionalInterface
public interface HostResolver {

    InetAddress resolve(String host) throws UnknownHostException;

    /**
     * Literal addresses without DNS, in every spelling a URL may carry ({@link IpLiterals}); names
     * through the system resolver, first address.
     */
    HostResolver SYSTEM = host -> {
        var literal = IpLiterals.parse(host);
        if (literal.isPresent()) {
            return literal.get();
        }
        return InetAddress.getByName(host);
    };
}
