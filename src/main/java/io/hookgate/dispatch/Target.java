package io.hookgate.dispatch;

import io.hookgate.net.IpLiterals;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A webhook URL taken apart: where to connect and what to ask for, or why it cannot be used ({@code invalid},
 * else null); {@code literal} is its host's address when the URL names one (never resolved).
 */
record Target(boolean ssl, String host, int port, String path, String invalid, InetAddress literal) {

    static Target invalid(String why) {
        return new Target(false, null, 0, null, why, null);
    }

    static Target parse(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return invalid("invalid URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        String host = IpLiterals.host(uri);
        if (!scheme.equals("http") && !scheme.equals("https") || host == null) {
            return invalid("invalid URL: an http(s) URL with a host is required");
        }
        boolean ssl = scheme.equals("https");
        int port = IpLiterals.port(uri);
        if (port == IpLiterals.INVALID_PORT) {
            // Stored before the API checked ports: never guess the default port for it.
            return invalid("invalid URL: the port must be 1-65535");
        }
        port = port > 0 ? port : ssl ? 443 : 80;
        return new Target(ssl, host, port, pathAndQuery(uri), null, IpLiterals.parse(host).orElse(null));
    }

    /** The request target exactly as stored: raw path (or "/") and raw query. */
    private static String pathAndQuery(URI uri) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }

    /** Parsed URLs, so that a try does not parse its webhook's URL again (bounded: cleared when full). */
    static final class Cache {
        private final Map<String, Target> targets = new ConcurrentHashMap<>();

        Target of(String url) {
            Target t = targets.get(url);
            if (t == null) {
                if (targets.size() >= 10_000) {
                    targets.clear();
                }
                t = parse(url);
                targets.put(url, t);
            }
            return t;
        }
    }
}
