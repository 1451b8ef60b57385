package io.hookgate.security;

import io.hookgate.net.HostResolver;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link HostResolver} for tests that tells its two callers apart by the stack: the create/update-time
 * check ({@code io.hookgate.api.TargetCheck}, which only judges the answer and never connects) and the
 * delivery path (every other caller). Each call is recorded with its caller and answer.
 *
 * <p>The safety rule of these tests lives here: the check may be answered any address, so that refused
 * families (10.x, the metadata address, unique-local IPv6) are exercised at create time without any
 * connection; the delivery path is only ever answered a loopback address. A non-loopback answer is
 * refused when it is scripted for delivery and again when it would be returned, so even a broken guard
 * or a check that stopped calling the resolver cannot make a test connect off the machine; and after
 * {@link #closeChecks()} nobody gets a non-loopback answer at all.
 */
public final class ScriptedResolver implements HostResolver {

    /** Who asked: the API's create/update-time check, or a delivery. */
    public enum Caller { CHECK, DELIVERY }

    /** One lookup: the host asked for, by whom, and the address answered (null when it failed). */
    public record Call(String host, Caller caller, String answer) {
    }

    private final Map<String, InetAddress> checkAnswers = new ConcurrentHashMap<>();
    private final Map<String, List<InetAddress>> deliveryAnswers = new ConcurrentHashMap<>();
    private final Set<String> systemLoopback = ConcurrentHashMap.newKeySet();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private volatile boolean checksClosed;

    /** The address the create/update-time check gets for {@code host}: any family, it is never connected to. */
    public ScriptedResolver onCheck(String host, String address) {
        checkAnswers.put(host, literal(address));
        return this;
    }

    /**
     * The addresses the delivery path gets for {@code host}, one per lookup in this order, the last one
     * repeating. Loopback only.
     */
    public ScriptedResolver onDelivery(String host, String... loopback) {
        List<InetAddress> answers = new ArrayList<>();
        for (String a : loopback) {
            InetAddress address = literal(a);
            if (!address.isLoopbackAddress()) {
                throw new IllegalArgumentException("a delivery may only be answered a loopback address, not " + a);
            }
            answers.add(address);
        }
        if (answers.isEmpty()) {
            throw new IllegalArgumentException("no answer for " + host);
        }
        deliveryAnswers.put(host, List.copyOf(answers));
        return this;
    }

    /** The same loopback address for the check and for every delivery. */
    public ScriptedResolver map(String host, String loopback) {
        onDelivery(host, loopback);
        checkAnswers.put(host, literal(loopback));
        return this;
    }

    /**
     * From now on no caller gets a non-loopback answer, the check included. Call it before sending the
     * first event, so that even a delivery lookup mistaken for the check could only reach loopback.
     */
    public ScriptedResolver closeChecks() {
        checksClosed = true;
        return this;
    }

    /** Lets the system resolver answer {@code host} (e.g. {@code localhost}), provided its answer is loopback. */
    public ScriptedResolver systemLoopback(String host) {
        systemLoopback.add(host);
        return this;
    }

    @Override
    public synchronized InetAddress resolve(String host) throws UnknownHostException {
        Caller caller = caller();
        InetAddress answer = null;
        try {
            answer = answer(host, caller);
            if ((caller == Caller.DELIVERY || checksClosed) && !answer.isLoopbackAddress()) {
                // Never reached with a well-formed script; kept as the last line of defence.
                throw new UnknownHostException("test resolver: " + host + " -> " + answer.getHostAddress()
                    + " refused (loopback only for deliveries, and for everyone once checks are closed)");
            }
            return answer;
        } finally {
            calls.add(new Call(host, caller, answer == null ? null : answer.getHostAddress()));
        }
    }

    private InetAddress answer(String host, Caller caller) throws UnknownHostException {
        if (systemLoopback.contains(host)) {
            InetAddress a = HostResolver.SYSTEM.resolve(host);
            if (!a.isLoopbackAddress()) {
                throw new UnknownHostException("test resolver: the system answered " + a + " for " + host);
            }
            return a;
        }
        if (caller == Caller.CHECK && checkAnswers.containsKey(host)) {
            return checkAnswers.get(host);
        }
        List<InetAddress> script = deliveryAnswers.get(host);
        if (caller == Caller.DELIVERY && script != null) {
            long earlier = calls.stream().filter(c -> c.host.equals(host) && c.caller == Caller.DELIVERY).count();
            return script.get((int) Math.min(earlier, script.size() - 1));
        }
        throw new UnknownHostException("test resolver: no " + caller + " answer for " + host);
    }

    /** Every lookup so far, in order. */
    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** The lookups of {@code host} made by {@code caller}. */
    public List<Call> calls(String host, Caller caller) {
        return calls.stream().filter(c -> c.host.equals(host) && c.caller == caller).toList();
    }

    /** The check's lambda is compiled into TargetCheck; anything else (the dispatcher) counts as a delivery. */
    private static Caller caller() {
        return StackWalker.getInstance().walk(frames -> frames.map(StackWalker.StackFrame::getClassName)
            .filter(n -> n.startsWith("io.hookgate.api.") || n.startsWith("io.hookgate.dispatch."))
            .findFirst()
            .map(n -> n.startsWith("io.hookgate.api.TargetCheck") ? Caller.CHECK : Caller.DELIVERY)
            .orElse(Caller.DELIVERY));
    }

    /** A literal address, parsed without DNS (a ':' or only digits and dots). */
    private static InetAddress literal(String address) {
        if (!(address.indexOf(':') >= 0 || address.matches("[0-9.]+"))) {
            throw new IllegalArgumentException("not a literal address: " + address);
        }
        try {
            return InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(address, e);
        }
    }
}
