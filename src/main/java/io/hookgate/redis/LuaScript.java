package io.hookgate.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * A Lua script run with EVALSHA, falling back to EVAL when the server does not know it yet (first
 * use, or after a Redis restart without data). Its name labels its round trips in
 * {@code hookgate_redis_command_duration} ({@code command="EVALSHA:<name>"}).
 *
 * <p>Scripts live in {@code src/main/resources/lua/}, one file each, headed by their KEYS, ARGV and
 * return values. A line {@code -- uses: records, indexes} puts those libraries of {@code lua/lib/}
 * in front of the script, in that order (they define local functions the script calls), after
 * {@code lib/prelude.lua}, which every script gets.
 */
public final class LuaScript {
    private static final String DIR = "/lua/";
    private static final String USES = "-- uses:";

    private final String name;
    private final String source;
    private final String sha;

    /** The script {@code lua/<name>.lua} with the libraries it names. */
    public static LuaScript load(String name) {
        String script = read(DIR + name + ".lua");
        StringBuilder source = new StringBuilder(library("prelude"));
        for (String line : script.split("\n")) {
            if (line.startsWith(USES)) {
                for (String lib : line.substring(USES.length()).split(",")) {
                    source.append(library(lib.trim()));
                }
            }
        }
        return new LuaScript(name, source.append(script).toString());
    }

    /** The library {@code lua/lib/<name>.lua}. */
    public static String library(String name) {
        return read(DIR + "lib/" + name + ".lua");
    }

    private static String read(String resource) {
        try (InputStream in = LuaScript.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing Lua script " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The script's name, as in its metrics label. */
    public String name() {
        return name;
    }

    /** The whole source sent to Redis: libraries, then the script. */
    public String source() {
        return source;
    }

    LuaScript(String name, String source) {
        this.name = name;
        this.source = source;
        try {
            this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                .digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs the script; {@code args} are Strings, byte[] or numbers. */
    public Future<Response> run(Redis redis, List<String> keys, List<?> args) {
        return send(redis, Command.EVALSHA, sha, keys, args).recover(err -> {
            if (err.getMessage() != null && err.getMessage().startsWith("NOSCRIPT")) {
                return send(redis, Command.EVAL, source, keys, args);
            }
            return Future.failedFuture(err);
        });
    }

    /**
     * Runs the script and then {@code then} on the same connection, as one pipelined batch, and answers
     * both replies: for a command that acts on what this connection did, such as {@code WAIT} (which
     * waits until replicas have this connection's writes). A pooled client's {@code send} could take
     * another connection for each command.
     */
    public Future<List<Response>> runThen(Redis redis, List<String> keys, List<?> args, Request then) {
        return batch(redis, Command.EVALSHA, sha, keys, args, then).recover(err -> {
            // A batch fails as a whole, its message naming the failed command: "ERR [0] NOSCRIPT ...".
            if (err.getMessage() != null && err.getMessage().contains("NOSCRIPT")) {
                return batch(redis, Command.EVAL, source, keys, args, then);
            }
            return Future.failedFuture(err);
        });
    }

    private Future<List<Response>> batch(Redis redis, Command cmd, String script, List<String> keys, List<?> args,
                                         Request then) {
        List<Request> requests = List.of(build(cmd, script, keys, args), then);
        return redis instanceof TimedRedis timed
            ? timed.batch(requests, cmd.toString().toUpperCase(Locale.ROOT) + ":" + name + "+"
                + then.command().toString().toUpperCase(Locale.ROOT))
            : redis.batch(requests);
    }

    private Future<Response> send(Redis redis, Command cmd, String script, List<String> keys, List<?> args) {
        Request request = build(cmd, script, keys, args);
        return redis instanceof TimedRedis timed
            ? timed.send(request, cmd.toString().toUpperCase(Locale.ROOT) + ":" + name)
            : redis.send(request);
    }

    /**
     * All arguments in one array: a request built with {@code arg()} grows its list one argument at a time,
     * and a first-try batch has thousands of them.
     */
    private static Request build(Command cmd, String script, List<String> keys, List<?> args) {
        Object[] all = new Object[2 + keys.size() + args.size()];
        int i = 0;
        all[i++] = script;
        all[i++] = keys.size();
        for (String k : keys) {
            all[i++] = k;
        }
        for (Object a : args) {
            all[i++] = a instanceof byte[] ? a : a instanceof Number n ? (Object) n.longValue() : String.valueOf(a);
        }
        return Request.cmd(cmd, all);
    }
}
