package com.clinikobridge.emulator.cliniko;

import com.clinikobridge.emulator.cliniko.Clinic.AppointmentType;
import com.clinikobridge.emulator.cliniko.Clinic.BillableItem;
import com.clinikobridge.emulator.cliniko.Clinic.Business;
import com.clinikobridge.emulator.cliniko.Clinic.Contact;
import com.clinikobridge.emulator.cliniko.Clinic.CustomField;
import com.clinikobridge.emulator.cliniko.Clinic.CustomFieldOption;
import com.clinikobridge.emulator.cliniko.Clinic.CustomFieldSection;
import com.clinikobridge.emulator.cliniko.Clinic.IndividualAppointment;
import com.clinikobridge.emulator.cliniko.Clinic.Invoice;
import com.clinikobridge.emulator.cliniko.Clinic.InvoiceItem;
import com.clinikobridge.emulator.cliniko.Clinic.MedicalAlert;
import com.clinikobridge.emulator.cliniko.Clinic.NoteAnswer;
import com.clinikobridge.emulator.cliniko.Clinic.NoteQuestion;
import com.clinikobridge.emulator.cliniko.Clinic.NoteSection;
import com.clinikobridge.emulator.cliniko.Clinic.Patient;
import com.clinikobridge.emulator.cliniko.Clinic.PhoneNumber;
import com.clinikobridge.emulator.cliniko.Clinic.Practitioner;
import com.clinikobridge.emulator.cliniko.Clinic.Product;
import com.clinikobridge.emulator.cliniko.Clinic.ReferralSource;
import com.clinikobridge.emulator.cliniko.Clinic.ReferralSourceType;
import com.clinikobridge.emulator.cliniko.Clinic.Tax;
import com.clinikobridge.emulator.cliniko.Clinic.TreatmentNote;
import com.clinikobridge.emulator.cliniko.Clinic.User;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A Cliniko REST API emulator serving a {@link Clinic} over real HTTP on 127.0.0.1 (random port), following
 * DIGEST.md §1–6 and the 2025 OpenAPI shapes: Basic auth with the API key as username (with or without its
 * {@code -shard} suffix), required {@code User-Agent: Name (email)}, list envelopes
 * {@code {"<plural>":[...],"total_entries":N,"links":{"self","next"?,"previous"?}}} with absolute URLs,
 * {@code page}/{@code per_page} (default 50, max 100), {@code sort}, {@code q[]} filters (ANDed), default exclusion
 * of archived records and cancelled appointments, ids as strings, money as decimal strings, UTC {@code Z}
 * timestamps, related records as {@code {"links":{"self":url}}}. GET only. Optional fixed-window throttling (429 +
 * {@code X-RateLimit-Reset} epoch seconds) and fault injection. Thread-safe. Never logs.
 *
 * <p>Endpoints: {@code /user}, {@code /users}, {@code /businesses}, {@code /practitioners} (+{@code /inactive}),
 * {@code /appointment_types}, {@code /patients}, {@code /individual_appointments}, {@code /invoices},
 * {@code /contacts}, {@code /referral_source_types}, {@code /referral_sources},
 * {@code /patients/{id}/referral_source} (404 when the patient has none), {@code /medical_alerts},
 * {@code /settings}, {@code /taxes}, {@code /billable_items}, {@code /products}, {@code /invoice_items},
 * {@code /treatment_notes}; every list also as {@code /<plural>/{id}}.
 *
 * <p>Control endpoint {@code GET /_emulator/stats} (no auth, throttling, latency or counting) answers
 * {@code {"requests":N,"accepted":N,"rejected":N,"throttled":N,"faults":N,"byPath":{path:N},"byStatus":{status:N}}}.
 */
public final class ClinikoEmulator implements AutoCloseable {

    /** Default API key (shard {@code au1}). */
    public static final String DEFAULT_API_KEY = "testkey-au1";

    static {
        // Answer without Nagle's delay: the JDK server writes headers and body separately, and the client's delayed
        // ACK would otherwise hold every response ~40 ms. Read once, when the first server in the JVM starts.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern USER_AGENT = Pattern.compile(".*\\S.*\\(\\s*[^\\s()@]+@[^\\s()@]+\\.[^\\s()@]+\\s*\\).*");
    private static final Pattern SHARD = Pattern.compile("^\\w{2}\\d{1,2}$");
    private static final String[] OPERATORS = {"!?", "!=", ">=", "<=", "~~", "=", ">", "<", "~", "*", "?"};

    private final HttpServer server;
    private final ExecutorService executor;
    private final String apiKey;
    private final String apiKeyWithoutShard;
    private volatile Data data;
    private volatile boolean strictArchivedLookup;

    private final AtomicLong total = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong throttled = new AtomicLong();
    private final AtomicLong faults = new AtomicLong();
    private final Map<String, LongAdder> perPath = new ConcurrentHashMap<>();
    private final Map<Integer, LongAdder> perStatus = new ConcurrentHashMap<>();
    private volatile long latencyNanos;

    /** Path of the control endpoint; see the class comment. */
    public static final String STATS_PATH = "/_emulator/stats";

    private final Object limiterLock = new Object();
    private int limit = 0; // 0 = unlimited
    private long windowMillis = 60_000;
    private long windowStart;
    private int windowCount;

    private final Object faultLock = new Object();
    private int failEvery;
    private int failEveryStatus;
    private long failAfter = -1;
    private int failAfterStatus = 503;
    private long faultSequence;
    private double faultRate;
    private java.util.Random faultRandom;

    /** Starts an emulator for {@code clinic} accepting {@link #DEFAULT_API_KEY}. */
    public ClinikoEmulator(Clinic clinic) {
        this(clinic, DEFAULT_API_KEY);
    }

    /**
     * Starts an emulator for {@code clinic} on 127.0.0.1 and a free port.
     *
     * @param apiKey accepted key, e.g. {@code testkey-au1}; clients may send it with or without the shard suffix
     */
    public ClinikoEmulator(Clinic clinic, String apiKey) {
        this(clinic, apiKey, 0);
    }

    /**
     * Starts an emulator for {@code clinic} on 127.0.0.1 and the given port.
     *
     * @param apiKey accepted key, e.g. {@code testkey-au1}; clients may send it with or without the shard suffix
     * @param port TCP port to bind, 0 = any free port (see {@link #baseUrl()})
     * @throws UncheckedIOException when the port cannot be bound
     */
    public ClinikoEmulator(Clinic clinic, String apiKey, int port) {
        this.apiKey = apiKey;
        int dash = apiKey.lastIndexOf('-');
        this.apiKeyWithoutShard = dash > 0 && SHARD.matcher(apiKey.substring(dash + 1)).matches()
                ? apiKey.substring(0, dash) : apiKey;
        load(clinic);
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AtomicInteger threads = new AtomicInteger();
        // enough threads that latency() does not serialize concurrent clients; created on demand
        executor = Executors.newFixedThreadPool(64, r -> {
            Thread t = new Thread(r, "cliniko-emulator-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    // ------------------------------------------------------------------ configuration and counters

    /** Base URL including {@code /v1}, e.g. {@code http://127.0.0.1:54321/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** The configured API key. */
    public String apiKey() {
        return apiKey;
    }

    /** Replaces the served clinic (atomically; in-flight requests finish on the old data). */
    public void load(Clinic clinic) {
        this.data = new Data(clinic);
    }

    /** The served clinic. */
    public Clinic clinic() {
        return data.clinic;
    }

    /**
     * Throttles to {@code requests} per fixed {@code window} (window starts at the first request after the previous
     * one ended). Over the limit → 429, header {@code X-RateLimit-Reset} = epoch seconds when the window ends.
     * Only authenticated requests count. {@code requests <= 0} = unlimited.
     */
    public void setRateLimit(int requests, Duration window) {
        synchronized (limiterLock) {
            this.limit = Math.max(0, requests);
            this.windowMillis = window.toMillis();
            this.windowStart = 0;
            this.windowCount = 0;
        }
    }

    /** Throttles to {@code requestsPerMinute} per 60-second window (Cliniko: 200). */
    public void setRateLimit(int requestsPerMinute) {
        setRateLimit(requestsPerMinute, Duration.ofSeconds(60));
    }

    /** Removes throttling. */
    public void clearRateLimit() {
        setRateLimit(0, Duration.ofSeconds(60));
    }

    /** Every {@code n}th accepted request (counting from now) answers {@code status} with a JSON body, doing nothing. */
    public void failEveryNth(int n, int status) {
        synchronized (faultLock) {
            this.failEvery = n;
            this.failEveryStatus = status;
            this.faultSequence = 0;
        }
    }

    /** Hard outage: after {@code requests} more accepted requests, every request answers 503. */
    public void failAllAfter(int requests) {
        failAllAfter(requests, 503);
    }

    /** Hard outage: after {@code requests} more accepted requests, every request answers {@code status}. */
    public void failAllAfter(int requests, int status) {
        synchronized (faultLock) {
            this.failAfter = requests;
            this.failAfterStatus = status;
            this.faultSequence = 0;
        }
    }

    /**
     * Random transient faults: each accepted request (past auth, User-Agent and throttling) answers 503 with a JSON
     * body, doing nothing, with probability {@code rate} (0..1), drawn from a sequence seeded by {@code seed}, so the
     * number of faults over N requests is the same on every run. Counted in {@link #faultCount()}. 0 = off.
     */
    public void faultRate(double rate, long seed) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("fault rate must be between 0 and 1: " + rate);
        }
        synchronized (faultLock) {
            this.faultRate = rate;
            this.faultRandom = new java.util.Random(seed);
        }
    }

    /**
     * Every request (except {@link #STATS_PATH}) waits {@code latency} before it is handled, simulating network and
     * API latency; concurrent requests wait concurrently. {@link Duration#ZERO} (the default) = none.
     */
    public void latency(Duration latency) {
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative: " + latency);
        }
        this.latencyNanos = latency.toNanos();
    }

    private int proxyLeft;

    private int proxyStatus;

    /**
     * The next {@code count} accepted requests are answered by a "proxy": an HTML page with
     * {@code status} (any: 200, 400, 502...), not Cliniko's JSON. Counted in {@link #faultCount()}.
     */
    public void proxyErrors(int count, int status) {
        synchronized (faultLock) {
            proxyLeft = count;
            proxyStatus = status;
        }
    }

    /** Removes all injected faults (including {@link #faultRate} and {@link #proxyErrors}). */
    public void clearFaults() {
        synchronized (faultLock) {
            proxyLeft = 0;
            failEvery = 0;
            failAfter = -1;
            faultSequence = 0;
            faultRate = 0;
        }
    }

    /**
     * When true, {@code GET /patients/{id}} (and other single GETs) answer 404 for archived records unless
     * {@code q[]=archived_at:*} is given (the 2025 spec lists an archived_at filter on single GETs). Default false.
     */
    public void setStrictArchivedLookup(boolean strict) {
        this.strictArchivedLookup = strict;
    }

    /** All requests received (including rejected, throttled and failed ones). */
    public long requestCount() {
        return total.get();
    }

    /** Requests per path (without the query), for benchmarks that show where requests go. */
    public Map<String, Long> requestsByPath() {
        Map<String, Long> out = new java.util.TreeMap<>();
        perPath.forEach((path, n) -> out.put(path, n.sum()));
        return out;
    }

    /** Requests received whose path starts with {@code pathPrefix}, e.g. {@code /v1/patients}. */
    public long requestCount(String pathPrefix) {
        long sum = 0;
        for (Map.Entry<String, LongAdder> e : perPath.entrySet()) {
            if (e.getKey().startsWith(pathPrefix)) {
                sum += e.getValue().sum();
            }
        }
        return sum;
    }

    /** Requests that passed auth, User-Agent and throttling (injected faults included). */
    public long acceptedCount() {
        return accepted.get();
    }

    /** Requests rejected with 401 or 403. */
    public long rejectedCount() {
        return rejected.get();
    }

    /** Requests answered 429. */
    public long throttledCount() {
        return throttled.get();
    }

    /** Requests answered with an injected fault status. */
    public long faultCount() {
        return faults.get();
    }

    /** Zeroes all counters. */
    public void resetCounters() {
        total.set(0);
        accepted.set(0);
        rejected.set(0);
        throttled.set(0);
        faults.set(0);
        perPath.clear();
        perStatus.clear();
    }

    /**
     * Counters as answered by {@code GET /_emulator/stats}: {@code requests}, {@code accepted}, {@code rejected},
     * {@code throttled}, {@code faults} (numbers), {@code byPath} (path without query → requests, sorted) and
     * {@code byStatus} (HTTP status → responses, sorted).
     */
    public ObjectNode stats() {
        ObjectNode o = JSON.createObjectNode();
        o.put("requests", total.get());
        o.put("accepted", accepted.get());
        o.put("rejected", rejected.get());
        o.put("throttled", throttled.get());
        o.put("faults", faults.get());
        ObjectNode byPath = o.putObject("byPath");
        requestsByPath().forEach(byPath::put);
        ObjectNode byStatus = o.putObject("byStatus");
        new java.util.TreeMap<>(perStatus).forEach((status, n) -> byStatus.put(Integer.toString(status), n.sum()));
        return o;
    }

    /** Stops the server. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ request pipeline

    private void handle(HttpExchange exchange) {
        try {
            String path = exchange.getRequestURI().getRawPath();
            if (STATS_PATH.equals(path) && "GET".equals(exchange.getRequestMethod())) {
                sendStats(exchange);
                return;
            }
            long latency = latencyNanos;
            if (latency > 0) {
                TimeUnit.NANOSECONDS.sleep(latency);
            }
            total.incrementAndGet();
            perPath.computeIfAbsent(path, k -> new LongAdder()).increment();
            Response response = process(exchange, path);
            perStatus.computeIfAbsent(response.status, k -> new LongAdder()).increment();
            byte[] body = response.html != null ? response.html.getBytes(StandardCharsets.UTF_8)
                    : JSON.writeValueAsBytes(response.body);
            exchange.getResponseHeaders().set("Content-Type", response.html != null ? "text/html; charset=utf-8"
                    : "application/json; charset=utf-8");
            response.headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            exchange.sendResponseHeaders(response.status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // shutting down
        } catch (IOException | RuntimeException e) {
            // never log: payloads may hold patient data
            byte[] body = "{\"message\":\"Internal emulator error\"}".getBytes(StandardCharsets.UTF_8);
            try {
                exchange.sendResponseHeaders(500, body.length);
                exchange.getResponseBody().write(body);
            } catch (IOException | RuntimeException ignored) {
                // response already started or connection gone
            }
        } finally {
            exchange.close();
        }
    }

    private void sendStats(HttpExchange exchange) throws IOException {
        byte[] body = JSON.writeValueAsBytes(stats());
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private record Response(int status, ObjectNode body, Map<String, String> headers, String html) {
        Response(int status, ObjectNode body, Map<String, String> headers) {
            this(status, body, headers, null);
        }

        static Response json(int status, ObjectNode body) {
            return new Response(status, body, Map.of());
        }
    }

    /** The page a proxy in front of the API answers with: HTML, not the API's JSON. */
    static final String PROXY_PAGE = "<html><head><title>Bad Gateway</title></head><body><h1>nginx</h1></body></html>";

    private static Response error(int status, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("message", message);
        return Response.json(status, body);
    }

    private final java.util.Set<String> missingLists = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Makes the emulator answer 404 for these resources (e.g. "contacts", "treatment_notes",
     * "settings"), like an API that does not have them: for clients that must carry on without.
     */
    public void withoutResources(String... resources) {
        missingLists.addAll(java.util.List.of(resources));
    }

    private final java.util.Set<String> loopingLists = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final java.util.Set<String> endlessLists = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Hostile pagination: the last page of these lists (e.g. "patients") links to itself as
     * {@code links.next}, so a client that follows links blindly never stops.
     */
    public void loopingNext(String... resources) {
        loopingLists.addAll(java.util.List.of(resources));
    }

    /**
     * Hostile pagination: these lists never end. Every page is full and links to the next, the
     * records repeating from the first once the list is exhausted, while {@code total_entries}
     * stays the true count.
     */
    public void endlessList(String... resources) {
        endlessLists.addAll(java.util.List.of(resources));
    }

    private Response process(HttpExchange exchange, String path) {
        String resource = path.replaceFirst("^/v1/", "").replaceFirst("/.*$", "");
        if (missingLists.contains(resource)) {
            return error(404, "Not found");
        }
        if (!authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
            rejected.incrementAndGet();
            return new Response(401, message("Unauthorized: send the API key as Basic auth username"),
                    Map.of("WWW-Authenticate", "Basic realm=\"Cliniko API\""));
        }
        String userAgent = exchange.getRequestHeaders().getFirst("User-Agent");
        if (userAgent == null || !USER_AGENT.matcher(userAgent).matches()) {
            rejected.incrementAndGet();
            return error(403, "User-Agent must contain your application name and a contact email, "
                    + "e.g. 'MyApp (ops@example.com)'");
        }
        long reset = acquirePermit();
        if (reset >= 0) {
            throttled.incrementAndGet();
            ObjectNode body = message("Too many requests, try again after the rate limit resets");
            return new Response(429, body, Map.of("X-RateLimit-Reset", Long.toString(reset)));
        }
        accepted.incrementAndGet();
        synchronized (faultLock) {
            if (proxyLeft > 0) {
                proxyLeft--;
                faults.incrementAndGet();
                return new Response(proxyStatus, null, Map.of(), PROXY_PAGE);
            }
        }
        Integer fault = injectedFault();
        if (fault != null) {
            faults.incrementAndGet();
            return error(fault, "Injected fault (status " + fault + ")");
        }
        if (!"GET".equals(exchange.getRequestMethod())) {
            return error(405, "Method not allowed in the emulator");
        }
        try {
            return route(exchange, path);
        } catch (BadRequest e) {
            return error(400, e.getMessage());
        }
    }

    private static ObjectNode message(String text) {
        ObjectNode body = JSON.createObjectNode();
        body.put("message", text);
        return body;
    }

    private boolean authorized(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        String user = colon < 0 ? decoded : decoded.substring(0, colon);
        return user.equals(apiKey) || user.equals(apiKeyWithoutShard);
    }

    /** Returns -1 when allowed, else the epoch second at which the current window resets. */
    private long acquirePermit() {
        synchronized (limiterLock) {
            if (limit <= 0) {
                return -1;
            }
            long now = System.currentTimeMillis();
            if (windowStart == 0 || now >= windowStart + windowMillis) {
                windowStart = now;
                windowCount = 0;
            }
            if (windowCount < limit) {
                windowCount++;
                return -1;
            }
            return (windowStart + windowMillis + 999) / 1000;
        }
    }

    private Integer injectedFault() {
        synchronized (faultLock) {
            if (failEvery > 0 || failAfter >= 0) {
                faultSequence++;
                if (failAfter >= 0 && faultSequence > failAfter) {
                    return failAfterStatus;
                }
                if (failEvery > 0 && faultSequence % failEvery == 0) {
                    return failEveryStatus;
                }
            }
            if (faultRate > 0 && faultRandom.nextDouble() < faultRate) {
                return 503;
            }
            return null;
        }
    }

    // ------------------------------------------------------------------ routing

    private static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message);
        }
    }

    private Response route(HttpExchange exchange, String path) {
        if (!path.startsWith("/v1/")) {
            return error(404, "Not found");
        }
        String[] segments = path.substring(4).split("/");
        Data d = this.data;
        String host = exchange.getRequestHeaders().getFirst("Host");
        String origin = "http://" + (host == null ? server.getAddress().getHostString() + ":"
                + server.getAddress().getPort() : host);
        Request request = new Request(origin, path, exchange.getRequestURI().getRawQuery());
        if (segments.length == 1 && segments[0].equals("user")) {
            return Response.json(200, renderUser(d.clinic.users().get(0), origin + "/v1"));
        }
        if (segments.length == 1 && segments[0].equals("settings")) {
            return Response.json(200, d.renderSettings());
        }
        if (segments.length == 3 && segments[0].equals("patients") && segments[2].equals("referral_source")) {
            ReferralSource source;
            try {
                source = d.referralByPatient.get(Long.parseLong(segments[1]));
            } catch (NumberFormatException e) {
                source = null;
            }
            return source == null ? error(404, "Not found")
                    : Response.json(200, d.renderReferralSource(source, origin + "/v1"));
        }
        if (segments.length == 2 && segments[0].equals("practitioners") && segments[1].equals("inactive")) {
            return list(d.resources.get("practitioners/inactive"), d, request);
        }
        Resource<?> resource = d.resources.get(segments[0]);
        if (resource == null) {
            return error(404, "Not found");
        }
        if (segments.length == 1) {
            return list(resource, d, request);
        }
        if (segments.length == 2) {
            return single(resource, segments[1], request);
        }
        return error(404, "Not found");
    }

    private <T> Response single(Resource<T> resource, String rawId, Request request) {
        long id;
        try {
            id = Long.parseLong(rawId);
        } catch (NumberFormatException e) {
            return error(404, "Not found");
        }
        T item = resource.byId.get(id);
        if (item == null) {
            return error(404, "Not found");
        }
        if (strictArchivedLookup && resource.archivedAt != null && resource.archivedAt.apply(item) != null) {
            boolean include = request.params("q[]").stream().anyMatch(q -> q.startsWith("archived_at:"));
            if (!include) {
                return error(404, "Not found");
            }
        }
        return Response.json(200, resource.render.apply(item, request.origin + "/v1"));
    }

    private <T> Response list(Resource<T> resource, Data d, Request request) {
        int page = intParam(request, "page", 1);
        int perPage = intParam(request, "per_page", 50);
        if (page < 1) {
            throw new BadRequest("page must be >= 1");
        }
        if (perPage < 1 || perPage > 100) {
            throw new BadRequest("per_page must be between 1 and 100");
        }
        List<String> queries = request.params("q[]");
        List<String> cacheKey = new ArrayList<>();
        cacheKey.add(resource.key);
        queries.stream().sorted().forEach(cacheKey::add);
        cacheKey.add("sort=" + request.params("sort"));
        cacheKey.add("order=" + request.params("order"));
        @SuppressWarnings("unchecked")
        List<T> matching = (List<T>) d.listCache.get(cacheKey);
        if (matching == null) {
            matching = filterAndSort(resource, request, queries);
            if (d.listCache.size() > 256) {
                d.listCache.clear();
            }
            d.listCache.put(cacheKey, matching);
        }
        int from = (int) Math.min((long) (page - 1) * perPage, matching.size());
        int to = Math.min(from + perPage, matching.size());
        String base = request.origin + "/v1";
        ObjectNode body = JSON.createObjectNode();
        ArrayNode array = body.putArray(resource.plural);
        boolean endless = endlessLists.contains(resource.plural) && !matching.isEmpty();
        List<T> served = endless ? new ArrayList<>() : matching.subList(from, to);
        for (long i = (long) (page - 1) * perPage; endless && i < (long) page * perPage; i++) {
            served.add(matching.get((int) (i % matching.size())));
        }
        for (T item : served) {
            array.add(resource.render.apply(item, base));
        }
        body.put("total_entries", matching.size());
        ObjectNode links = body.putObject("links");
        String self = request.origin + request.path + (request.rawQuery == null ? "" : "?" + request.rawQuery);
        links.put("self", self);
        if (to < matching.size() || endless) {
            links.put("next", request.withPage(page + 1));
        } else if (loopingLists.contains(resource.plural)) {
            links.put("next", self);
        }
        if (page > 1) {
            links.put("previous", request.withPage(page - 1));
        }
        return Response.json(200, body);
    }

    private static <T> List<T> filterAndSort(Resource<T> resource, Request request, List<String> queries) {
        Predicate<T> filter = x -> true;
        List<String> filteredFields = new ArrayList<>();
        for (String q : queries) {
            Filter<T> f = parseFilter(resource, q);
            filteredFields.add(f.field);
            filter = filter.and(f.predicate);
        }
        for (Map.Entry<String, Function<T, Object>> exclusion : resource.defaultExclusions.entrySet()) {
            if (!filteredFields.contains(exclusion.getKey())) {
                Function<T, Object> getter = exclusion.getValue();
                filter = filter.and(x -> getter.apply(x) == null);
            }
        }
        Comparator<T> order = sortOrder(resource, request);
        List<T> matching = new ArrayList<>();
        for (T item : resource.items) {
            if (filter.test(item)) {
                matching.add(item);
            }
        }
        if (order != null) {
            matching.sort(order);
        }
        return List.copyOf(matching);
    }

    private static int intParam(Request request, String name, int fallback) {
        List<String> values = request.params(name);
        if (values.isEmpty()) {
            return fallback;
        }
        try {
            return Integer.parseInt(values.get(values.size() - 1).trim());
        } catch (NumberFormatException e) {
            throw new BadRequest(name + " must be an integer");
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <T> Comparator<T> sortOrder(Resource<T> resource, Request request) {
        List<String> sorts = request.params("sort");
        String order = request.params("order").isEmpty() ? "asc" : request.params("order").get(0);
        Comparator<T> byId = Comparator.comparingLong(resource.id);
        if (sorts.isEmpty()) {
            // items are pre-sorted by created_at, id
            return "desc".equalsIgnoreCase(order) ? resource.defaultOrder.reversed() : null;
        }
        Comparator<T> comparator = null;
        for (String part : sorts.get(sorts.size() - 1).split(",")) {
            String[] bits = part.trim().split(":");
            Field<T> field = resource.fields.get(bits[0]);
            if (field == null || field.type == Type.BOOL) {
                throw new BadRequest("Unknown sort column " + bits[0]);
            }
            boolean desc = bits.length > 1 && bits[1].equalsIgnoreCase("desc");
            Comparator<T> c = Comparator.comparing(x -> (Comparable) field.getter.apply(x),
                    Comparator.nullsFirst(Comparator.naturalOrder()));
            if (desc) {
                c = c.reversed();
            }
            comparator = comparator == null ? c : comparator.thenComparing(c);
        }
        return comparator.thenComparing(byId);
    }

    // ------------------------------------------------------------------ filters

    private enum Type { ID, INT, DATETIME, DATE, STRING, BOOL }

    private record Field<T>(Type type, Function<T, Object> getter) {
    }

    private record Filter<T>(String field, Predicate<T> predicate) {
    }

    private static <T> Filter<T> parseFilter(Resource<T> resource, String q) {
        int colon = q.indexOf(':');
        if (colon <= 0) {
            throw new BadRequest("Invalid filter, expected field:<operator><value>");
        }
        String name = q.substring(0, colon);
        Field<T> field = resource.fields.get(name);
        if (field == null) {
            throw new BadRequest("Unknown filter field '" + name + "' for " + resource.plural);
        }
        String rest = q.substring(colon + 1);
        String op = null;
        for (String candidate : OPERATORS) {
            if (rest.startsWith(candidate)) {
                op = candidate;
                break;
            }
        }
        if (op == null) {
            throw new BadRequest("Invalid filter operator for " + name);
        }
        String value = rest.substring(op.length());
        Function<T, Object> getter = field.getter;
        switch (op) {
            case "*" -> {
                requireEmpty(value, name);
                return new Filter<>(name, x -> true);
            }
            case "?" -> {
                requireEmpty(value, name);
                return new Filter<>(name, x -> getter.apply(x) != null);
            }
            case "!?" -> {
                requireEmpty(value, name);
                return new Filter<>(name, x -> getter.apply(x) == null);
            }
            default -> {
                return new Filter<>(name, comparison(field, name, op, value));
            }
        }
    }

    private static void requireEmpty(String value, String name) {
        if (!value.isEmpty()) {
            throw new BadRequest("Invalid filter value for " + name);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <T> Predicate<T> comparison(Field<T> field, String name, String op, String value) {
        Function<T, Object> getter = field.getter;
        switch (field.type) {
            case STRING -> {
                String v = value.toLowerCase(Locale.ROOT);
                Predicate<String> p = switch (op) {
                    case "=" -> s -> s.toLowerCase(Locale.ROOT).equals(v);
                    case "!=" -> s -> !s.toLowerCase(Locale.ROOT).equals(v);
                    case "~" -> s -> s.toLowerCase(Locale.ROOT).contains(v);
                    case "~~" -> {
                        Pattern pattern = Pattern.compile(wildcard(v, '%'), Pattern.DOTALL);
                        yield s -> pattern.matcher(s.toLowerCase(Locale.ROOT)).matches();
                    }
                    default -> throw new BadRequest("Operator " + op + " not allowed on string field " + name);
                };
                return x -> {
                    Object s = getter.apply(x);
                    return s == null ? op.equals("!=") : p.test((String) s);
                };
            }
            case BOOL -> {
                if (!value.equals("true") && !value.equals("false")) {
                    throw new BadRequest("Invalid boolean for " + name);
                }
                boolean b = Boolean.parseBoolean(value);
                return switch (op) {
                    case "=" -> x -> Boolean.valueOf(b).equals(getter.apply(x));
                    case "!=" -> x -> !Boolean.valueOf(b).equals(getter.apply(x));
                    default -> throw new BadRequest("Operator " + op + " not allowed on boolean field " + name);
                };
            }
            case DATE -> {
                if (value.contains("*")) {
                    if (!op.equals("=")) {
                        throw new BadRequest("Wildcards only with = for " + name);
                    }
                    Pattern pattern = Pattern.compile(dateWildcard(value));
                    return x -> {
                        Object d = getter.apply(x);
                        return d != null && pattern.matcher(d.toString()).matches();
                    };
                }
                LocalDate date = parseDate(value, name);
                return ordered(getter, op, date, name);
            }
            case DATETIME -> {
                return ordered(getter, op, parseInstant(value, name), name);
            }
            case ID, INT -> {
                if (op.equals("=") || op.equals("!=")) {
                    List<Long> ids = new ArrayList<>();
                    for (String part : value.split(",")) {
                        ids.add(parseLong(part.trim(), name));
                    }
                    boolean negate = op.equals("!=");
                    return x -> {
                        Object v = getter.apply(x);
                        boolean in = v != null && ids.contains(((Number) v).longValue());
                        return negate != in;
                    };
                }
                long bound = parseLong(value, name);
                Function<T, Object> asLong = x -> {
                    Object v = getter.apply(x);
                    return v == null ? null : ((Number) v).longValue();
                };
                return ordered(asLong, op, bound, name);
            }
            default -> throw new IllegalStateException();
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <T> Predicate<T> ordered(Function<T, Object> getter, String op, Comparable bound, String name) {
        Predicate<Integer> test = switch (op) {
            case "=" -> c -> c == 0;
            case "!=" -> c -> c != 0;
            case ">" -> c -> c > 0;
            case ">=" -> c -> c >= 0;
            case "<" -> c -> c < 0;
            case "<=" -> c -> c <= 0;
            default -> throw new BadRequest("Operator " + op + " not allowed on " + name);
        };
        return x -> {
            Object v = getter.apply(x);
            if (v == null) {
                return op.equals("!=");
            }
            return test.test(((Comparable) v).compareTo(bound));
        };
    }

    /** Regex for a string wildcard pattern: {@code wildcard} matches any run of characters. */
    private static String wildcard(String value, char wildcard) {
        StringBuilder sb = new StringBuilder();
        String[] parts = value.split(Pattern.quote(String.valueOf(wildcard)), -1);
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                sb.append(".*");
            }
            sb.append(Pattern.quote(parts[i]));
        }
        return sb.toString();
    }

    /** Regex for a date pattern like {@code ****-05-**}: each {@code *} matches one character. */
    private static String dateWildcard(String value) {
        StringBuilder sb = new StringBuilder();
        for (char c : value.toCharArray()) {
            sb.append(c == '*' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return sb.toString();
    }

    private static long parseLong(String value, String name) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new BadRequest("Invalid number for " + name);
        }
    }

    private static LocalDate parseDate(String value, String name) {
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw new BadRequest("Invalid date for " + name + ", expected YYYY-MM-DD");
        }
    }

    private static Instant parseInstant(String value, String name) {
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e2) {
                throw new BadRequest("Invalid date-time for " + name + ", expected e.g. 2024-01-01T00:00:00Z");
            }
        }
    }

    // ------------------------------------------------------------------ request helper

    private record Request(String origin, String path, String rawQuery) {
        List<String> params(String name) {
            List<String> values = new ArrayList<>();
            if (rawQuery == null || rawQuery.isEmpty()) {
                return values;
            }
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                if (key.equals(name)) {
                    values.add(eq < 0 ? "" : decode(pair.substring(eq + 1)));
                }
            }
            return values;
        }

        String withPage(int page) {
            StringBuilder sb = new StringBuilder(origin).append(path).append('?');
            if (rawQuery != null) {
                for (String pair : rawQuery.split("&")) {
                    if (pair.isEmpty()) {
                        continue;
                    }
                    int eq = pair.indexOf('=');
                    if (decode(eq < 0 ? pair : pair.substring(0, eq)).equals("page")) {
                        continue;
                    }
                    sb.append(pair).append('&');
                }
            }
            return sb.append("page=").append(page).toString();
        }

        private static String decode(String s) {
            try {
                return URLDecoder.decode(s, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new BadRequest("Malformed query string");
            }
        }
    }

    // ------------------------------------------------------------------ resources and rendering

    /** A list endpoint: its items in default order (created_at, id), filterable fields and renderer. */
    private record Resource<T>(String key, String plural, List<T> items, Map<Long, T> byId,
                               java.util.function.ToLongFunction<T> id, Comparator<T> defaultOrder,
                               Map<String, Field<T>> fields, Map<String, Function<T, Object>> defaultExclusions,
                               Function<T, Object> archivedAt, BiFunction<T, String, ObjectNode> render) {
    }

    /** Immutable snapshot of a clinic with indexes, built on {@link #load}. */
    private static final class Data {
        final Clinic clinic;
        final Map<String, Resource<?>> resources = new HashMap<>();
        final Map<Long, Patient> patients = new HashMap<>();
        final Map<Long, Integer> invoiceStatusByAppointment = new HashMap<>();
        final Map<Long, ReferralSource> referralByPatient = new HashMap<>();
        /** Filtered + sorted list results of this snapshot, keyed by resource, q[] set, sort and order. */
        final Map<List<String>, List<?>> listCache = new ConcurrentHashMap<>();

        @SuppressWarnings("unchecked")
        Data(Clinic clinic) {
            this.clinic = clinic;
            clinic.patients().forEach(p -> patients.put(p.id(), p));
            clinic.invoices().forEach(i -> {
                if (i.appointmentId() != null) {
                    invoiceStatusByAppointment.put(i.appointmentId(), i.status());
                }
            });
            clinic.referralSources().forEach(r -> referralByPatient.put(r.patientId(), r));

            Map<String, Field<Patient>> pf = new LinkedHashMap<>();
            pf.put("accepted_privacy_policy", new Field<>(Type.BOOL, Patient::acceptedPrivacyPolicy));
            pf.put("archived_at", new Field<>(Type.DATETIME, Patient::archivedAt));
            pf.put("created_at", new Field<>(Type.DATETIME, Patient::createdAt));
            pf.put("date_of_birth", new Field<>(Type.DATE, Patient::dateOfBirth));
            pf.put("email", new Field<>(Type.STRING, Patient::email));
            pf.put("first_name", new Field<>(Type.STRING, Patient::firstName));
            pf.put("id", new Field<>(Type.ID, Patient::id));
            pf.put("last_name", new Field<>(Type.STRING, Patient::lastName));
            pf.put("old_reference_id", new Field<>(Type.STRING, p -> null));
            pf.put("preferred_first_name", new Field<>(Type.STRING, Patient::preferredFirstName));
            pf.put("updated_at", new Field<>(Type.DATETIME, Patient::updatedAt));
            add("patients", clinic.patients(), Patient::id, Patient::createdAt, pf,
                    List.of("archived_at"), Patient::archivedAt, this::renderPatient);

            Map<String, Field<IndividualAppointment>> af = new LinkedHashMap<>();
            af.put("appointment_type_id", new Field<>(Type.ID, IndividualAppointment::appointmentTypeId));
            af.put("business_id", new Field<>(Type.ID, IndividualAppointment::businessId));
            af.put("patient_id", new Field<>(Type.ID, IndividualAppointment::patientId));
            af.put("practitioner_id", new Field<>(Type.ID, IndividualAppointment::practitionerId));
            af.put("starts_at", new Field<>(Type.DATETIME, IndividualAppointment::startsAt));
            af.put("ends_at", new Field<>(Type.DATETIME, IndividualAppointment::endsAt));
            af.put("cancelled_at", new Field<>(Type.DATETIME, IndividualAppointment::cancelledAt));
            af.put("archived_at", new Field<>(Type.DATETIME, IndividualAppointment::archivedAt));
            af.put("deleted_at", new Field<>(Type.DATETIME, a -> null));
            af.put("created_at", new Field<>(Type.DATETIME, IndividualAppointment::createdAt));
            af.put("updated_at", new Field<>(Type.DATETIME, IndividualAppointment::updatedAt));
            af.put("repeated_from_id", new Field<>(Type.ID, a -> null));
            af.put("id", new Field<>(Type.ID, IndividualAppointment::id));
            af.put("did_not_arrive", new Field<>(Type.BOOL, IndividualAppointment::didNotArrive));
            add("individual_appointments", clinic.individualAppointments(), IndividualAppointment::id,
                    IndividualAppointment::createdAt, af, List.of("archived_at", "cancelled_at"),
                    IndividualAppointment::archivedAt, this::renderAppointment);

            Map<String, Field<Invoice>> inf = new LinkedHashMap<>();
            inf.put("appointment_id", new Field<>(Type.ID, Invoice::appointmentId));
            inf.put("archived_at", new Field<>(Type.DATETIME, Invoice::archivedAt));
            inf.put("attendee_id", new Field<>(Type.ID, i -> null));
            inf.put("business_id", new Field<>(Type.ID, Invoice::businessId));
            inf.put("closed_at", new Field<>(Type.DATETIME, Invoice::closedAt));
            inf.put("created_at", new Field<>(Type.DATETIME, Invoice::createdAt));
            inf.put("deleted_at", new Field<>(Type.DATETIME, i -> null));
            inf.put("id", new Field<>(Type.ID, Invoice::id));
            inf.put("issue_date", new Field<>(Type.DATE, Invoice::issueDate));
            inf.put("number", new Field<>(Type.INT, Invoice::number));
            inf.put("original_invoice_id", new Field<>(Type.ID, i -> null));
            inf.put("patient_id", new Field<>(Type.ID, Invoice::patientId));
            inf.put("practitioner_id", new Field<>(Type.ID, Invoice::practitionerId));
            inf.put("status", new Field<>(Type.INT, Invoice::status));
            inf.put("updated_at", new Field<>(Type.DATETIME, Invoice::updatedAt));
            add("invoices", clinic.invoices(), Invoice::id, Invoice::createdAt, inf, List.of("archived_at"),
                    Invoice::archivedAt, this::renderInvoice);

            Map<String, Field<Practitioner>> prf = new LinkedHashMap<>();
            prf.put("active", new Field<>(Type.BOOL, Practitioner::active));
            prf.put("created_at", new Field<>(Type.DATETIME, Practitioner::createdAt));
            prf.put("id", new Field<>(Type.ID, Practitioner::id));
            prf.put("show_in_online_bookings", new Field<>(Type.BOOL, p -> Boolean.TRUE));
            prf.put("updated_at", new Field<>(Type.DATETIME, Practitioner::updatedAt));
            prf.put("user_id", new Field<>(Type.ID, Practitioner::userId));
            add("practitioners", clinic.practitioners().stream().filter(Practitioner::active).toList(),
                    Practitioner::id, Practitioner::createdAt, prf, List.of(), null, this::renderPractitioner);
            // single GET /practitioners/{id} finds inactive ones too
            Resource<Practitioner> active = (Resource<Practitioner>) resources.get("practitioners");
            Map<Long, Practitioner> allPractitioners = new HashMap<>();
            clinic.practitioners().forEach(p -> allPractitioners.put(p.id(), p));
            resources.put("practitioners", new Resource<>(active.key(), active.plural(), active.items(),
                    allPractitioners,
                    active.id(), active.defaultOrder(), active.fields(), active.defaultExclusions(), null,
                    active.render()));
            add("practitioners/inactive", clinic.practitioners().stream().filter(p -> !p.active()).toList(),
                    Practitioner::id, Practitioner::createdAt, prf, List.of(), null, this::renderPractitioner);
            resources.put("practitioners/inactive", rename((Resource<Practitioner>) resources
                    .get("practitioners/inactive"), "practitioners"));

            Map<String, Field<User>> uf = new LinkedHashMap<>();
            uf.put("created_at", new Field<>(Type.DATETIME, User::createdAt));
            uf.put("id", new Field<>(Type.ID, User::id));
            uf.put("updated_at", new Field<>(Type.DATETIME, User::updatedAt));
            add("users", clinic.users(), User::id, User::createdAt, uf, List.of(), null,
                    (u, base) -> renderUser(u, base));

            Map<String, Field<Business>> bf = new LinkedHashMap<>();
            bf.put("archived_at", new Field<>(Type.DATETIME, b -> null));
            bf.put("created_at", new Field<>(Type.DATETIME, Business::createdAt));
            bf.put("deleted_at", new Field<>(Type.DATETIME, b -> null));
            bf.put("id", new Field<>(Type.ID, Business::id));
            bf.put("show_in_online_bookings", new Field<>(Type.BOOL, b -> Boolean.TRUE));
            bf.put("updated_at", new Field<>(Type.DATETIME, Business::updatedAt));
            add("businesses", clinic.businesses(), Business::id, Business::createdAt, bf, List.of("archived_at"),
                    b -> null, this::renderBusiness);

            Map<String, Field<AppointmentType>> tf = new LinkedHashMap<>();
            tf.put("archived_at", new Field<>(Type.DATETIME, t -> null));
            tf.put("category", new Field<>(Type.STRING, AppointmentType::category));
            tf.put("created_at", new Field<>(Type.DATETIME, AppointmentType::createdAt));
            tf.put("id", new Field<>(Type.ID, AppointmentType::id));
            tf.put("online_payments_mode", new Field<>(Type.STRING, t -> null));
            tf.put("show_in_online_bookings", new Field<>(Type.BOOL, t -> Boolean.TRUE));
            tf.put("updated_at", new Field<>(Type.DATETIME, AppointmentType::updatedAt));
            add("appointment_types", clinic.appointmentTypes(), AppointmentType::id, AppointmentType::createdAt, tf,
                    List.of("archived_at"), t -> null, this::renderAppointmentType);

            Map<String, Field<Contact>> cf = new LinkedHashMap<>();
            cf.put("archived_at", new Field<>(Type.DATETIME, Contact::archivedAt));
            cf.put("company_name", new Field<>(Type.STRING, Contact::companyName));
            cf.put("created_at", new Field<>(Type.DATETIME, Contact::createdAt));
            cf.put("deleted_at", new Field<>(Type.DATETIME, c -> null));
            cf.put("email", new Field<>(Type.STRING, Contact::email));
            cf.put("first_name", new Field<>(Type.STRING, Contact::firstName));
            cf.put("id", new Field<>(Type.ID, Contact::id));
            cf.put("last_name", new Field<>(Type.STRING, Contact::lastName));
            cf.put("occupation", new Field<>(Type.STRING, Contact::occupation));
            cf.put("type_code", new Field<>(Type.INT, Contact::typeCode));
            cf.put("updated_at", new Field<>(Type.DATETIME, Contact::updatedAt));
            add("contacts", clinic.contacts(), Contact::id, Contact::createdAt, cf, List.of("archived_at"),
                    Contact::archivedAt, this::renderContact);

            Map<String, Field<ReferralSourceType>> rtf = new LinkedHashMap<>();
            rtf.put("archived_at", new Field<>(Type.DATETIME, ReferralSourceType::archivedAt));
            rtf.put("created_at", new Field<>(Type.DATETIME, ReferralSourceType::createdAt));
            rtf.put("id", new Field<>(Type.ID, ReferralSourceType::id));
            rtf.put("updated_at", new Field<>(Type.DATETIME, ReferralSourceType::updatedAt));
            add("referral_source_types", clinic.referralSourceTypes(), ReferralSourceType::id,
                    ReferralSourceType::createdAt, rtf, List.of("archived_at"), ReferralSourceType::archivedAt,
                    this::renderReferralSourceType);

            Map<String, Field<ReferralSource>> rsf = new LinkedHashMap<>();
            rsf.put("archived_at", new Field<>(Type.DATETIME, ReferralSource::archivedAt));
            rsf.put("created_at", new Field<>(Type.DATETIME, ReferralSource::createdAt));
            rsf.put("id", new Field<>(Type.ID, ReferralSource::id));
            rsf.put("patient_id", new Field<>(Type.ID, ReferralSource::patientId));
            rsf.put("referral_source_type_id", new Field<>(Type.ID, ReferralSource::referralSourceTypeId));
            rsf.put("referrer_id", new Field<>(Type.ID, ReferralSource::referrerId));
            rsf.put("updated_at", new Field<>(Type.DATETIME, ReferralSource::updatedAt));
            add("referral_sources", clinic.referralSources(), ReferralSource::id, ReferralSource::createdAt, rsf,
                    List.of("archived_at"), ReferralSource::archivedAt, this::renderReferralSource);

            Map<String, Field<MedicalAlert>> mf = new LinkedHashMap<>();
            mf.put("archived_at", new Field<>(Type.DATETIME, MedicalAlert::archivedAt));
            mf.put("created_at", new Field<>(Type.DATETIME, MedicalAlert::createdAt));
            mf.put("deleted_at", new Field<>(Type.DATETIME, m -> null));
            mf.put("id", new Field<>(Type.ID, MedicalAlert::id));
            mf.put("patient_id", new Field<>(Type.ID, MedicalAlert::patientId));
            mf.put("updated_at", new Field<>(Type.DATETIME, MedicalAlert::updatedAt));
            add("medical_alerts", clinic.medicalAlerts(), MedicalAlert::id, MedicalAlert::createdAt, mf,
                    List.of("archived_at"), MedicalAlert::archivedAt, this::renderMedicalAlert);

            Map<String, Field<Tax>> xf = new LinkedHashMap<>();
            xf.put("created_at", new Field<>(Type.DATETIME, Tax::createdAt));
            xf.put("id", new Field<>(Type.ID, Tax::id));
            xf.put("updated_at", new Field<>(Type.DATETIME, Tax::updatedAt));
            add("taxes", clinic.taxes(), Tax::id, Tax::createdAt, xf, List.of(), null, this::renderTax);

            Map<String, Field<BillableItem>> bif = new LinkedHashMap<>();
            bif.put("archived_at", new Field<>(Type.DATETIME, BillableItem::archivedAt));
            bif.put("created_at", new Field<>(Type.DATETIME, BillableItem::createdAt));
            bif.put("id", new Field<>(Type.ID, BillableItem::id));
            bif.put("tax_id", new Field<>(Type.ID, BillableItem::taxId));
            bif.put("updated_at", new Field<>(Type.DATETIME, BillableItem::updatedAt));
            add("billable_items", clinic.billableItems(), BillableItem::id, BillableItem::createdAt, bif,
                    List.of("archived_at"), BillableItem::archivedAt, this::renderBillableItem);

            Map<String, Field<Product>> pdf = new LinkedHashMap<>();
            pdf.put("archived_at", new Field<>(Type.DATETIME, Product::archivedAt));
            pdf.put("created_at", new Field<>(Type.DATETIME, Product::createdAt));
            pdf.put("id", new Field<>(Type.ID, Product::id));
            pdf.put("name", new Field<>(Type.STRING, Product::name));
            pdf.put("tax_id", new Field<>(Type.ID, Product::taxId));
            pdf.put("updated_at", new Field<>(Type.DATETIME, Product::updatedAt));
            add("products", clinic.products(), Product::id, Product::createdAt, pdf, List.of("archived_at"),
                    Product::archivedAt, this::renderProduct);

            Map<String, Field<InvoiceItem>> iif = new LinkedHashMap<>();
            iif.put("archived_at", new Field<>(Type.DATETIME, InvoiceItem::archivedAt));
            iif.put("created_at", new Field<>(Type.DATETIME, InvoiceItem::createdAt));
            iif.put("deleted_at", new Field<>(Type.DATETIME, i -> null));
            iif.put("id", new Field<>(Type.ID, InvoiceItem::id));
            iif.put("invoice_id", new Field<>(Type.ID, InvoiceItem::invoiceId));
            iif.put("source_item_id", new Field<>(Type.ID,
                    i -> i.billableItemId() != null ? i.billableItemId() : i.productId()));
            iif.put("updated_at", new Field<>(Type.DATETIME, InvoiceItem::updatedAt));
            add("invoice_items", clinic.invoiceItems(), InvoiceItem::id, InvoiceItem::createdAt, iif,
                    List.of("archived_at"), InvoiceItem::archivedAt, this::renderInvoiceItem);

            Map<String, Field<TreatmentNote>> nf = new LinkedHashMap<>();
            nf.put("archived_at", new Field<>(Type.DATETIME, TreatmentNote::archivedAt));
            nf.put("attendee_id", new Field<>(Type.ID, t -> null));
            nf.put("booking_id", new Field<>(Type.ID, TreatmentNote::bookingId));
            nf.put("created_at", new Field<>(Type.DATETIME, TreatmentNote::createdAt));
            nf.put("deleted_at", new Field<>(Type.DATETIME, t -> null));
            nf.put("draft", new Field<>(Type.BOOL, TreatmentNote::draft));
            nf.put("id", new Field<>(Type.ID, TreatmentNote::id));
            nf.put("patient_id", new Field<>(Type.ID, TreatmentNote::patientId));
            nf.put("practitioner_id", new Field<>(Type.ID, TreatmentNote::practitionerId));
            nf.put("treatment_note_template_id", new Field<>(Type.ID, t -> null));
            nf.put("updated_at", new Field<>(Type.DATETIME, TreatmentNote::updatedAt));
            add("treatment_notes", clinic.treatmentNotes(), TreatmentNote::id, TreatmentNote::createdAt, nf,
                    List.of("archived_at"), TreatmentNote::archivedAt, this::renderTreatmentNote);
        }

        private static <T> Resource<T> rename(Resource<T> r, String plural) {
            return new Resource<>(r.key(), plural, r.items(), r.byId(), r.id(), r.defaultOrder(), r.fields(),
                    r.defaultExclusions(), r.archivedAt(), r.render());
        }

        private <T> void add(String key, List<T> items, java.util.function.ToLongFunction<T> id,
                             Function<T, Instant> createdAt, Map<String, Field<T>> fields, List<String> exclusions,
                             Function<T, Object> archivedAt, BiFunction<T, String, ObjectNode> render) {
            Comparator<T> order = Comparator.comparing(createdAt).thenComparingLong(id);
            List<T> sorted = new ArrayList<>(items);
            sorted.sort(order);
            Map<Long, T> byId = new HashMap<>(sorted.size() * 2);
            sorted.forEach(x -> byId.put(id.applyAsLong(x), x));
            Map<String, Function<T, Object>> excl = new LinkedHashMap<>();
            exclusions.forEach(e -> excl.put(e, fields.get(e).getter()));
            resources.put(key, new Resource<>(key, key, List.copyOf(sorted), byId, id, order, fields, excl, archivedAt,
                    render));
        }

        // -------------------------------------------------------------- renderers

        private ObjectNode renderPatient(Patient p, String base) {
            ObjectNode o = JSON.createObjectNode();
            o.put("id", Long.toString(p.id()));
            o.put("title", p.title());
            o.put("first_name", p.firstName());
            o.put("last_name", p.lastName());
            o.put("preferred_first_name", p.preferredFirstName());
            o.put("label", p.fullName());
            o.put("email", p.email());
            o.put("date_of_birth", p.dateOfBirth() == null ? null : p.dateOfBirth().toString());
            o.put("sex", p.sex());
            o.put("gender_identity", p.genderIdentity());
            o.putNull("gender");
            o.putNull("pronouns");
            o.put("occupation", p.occupation());
            o.put("emergency_contact", p.emergencyContact());
            o.put("notes", p.notes());
            o.putNull("appointment_notes");
            o.putNull("medicare");
            o.putNull("medicare_reference_number");
            o.putNull("dva_card_number");
            o.putNull("old_reference_id");
            o.put("address_1", p.address1());
            o.put("address_2", p.address2());
            o.put("address_3", p.address3());
            o.put("city", p.city());
            o.put("state", p.state());
            o.put("post_code", p.postCode());
            o.put("country", p.country());
            o.put("country_code", "AU");
            o.put("time_zone", p.timeZone());
            o.put("reminder_type", p.reminderType());
            o.put("receives_confirmation_emails", true);
            o.put("receives_cancellation_emails", true);
            o.put("accepted_privacy_policy", p.acceptedPrivacyPolicy());
            o.put("accepted_email_marketing", p.acceptedEmailMarketing());
            o.put("accepted_sms_marketing", false);
            o.putNull("invoice_default_to");
            o.putNull("invoice_email");
            o.putNull("invoice_extra_information");
            o.putNull("referral_source");
            List<CustomFieldSection> customFields = clinic.customFieldsByPatient().get(p.id());
            if (customFields == null) {
                o.putNull("custom_fields");
            } else {
                renderSections(o.putObject("custom_fields").putArray("sections"), customFields);
            }
            ArrayNode phones = o.putArray("patient_phone_numbers");
            for (PhoneNumber n : p.phoneNumbers()) {
                ObjectNode ph = phones.addObject();
                ph.put("phone_type", n.phoneType());
                ph.put("number", n.number());
                ph.put("normalized_number", n.normalizedNumber());
            }
            o.put("archived_at", ts(p.archivedAt()));
            o.putNull("deleted_at");
            o.put("merged_at", ts(p.mergedAt()));
            if (p.mergedWithPatientId() != null) {
                link(o, "merged_with_patient", base + "/patients/" + p.mergedWithPatientId());
            } else {
                o.putNull("merged_with_patient");
            }
            Long doctor = clinic.referringDoctorByPatient().get(p.id());
            if (doctor != null) {
                link(o, "referring_doctor", base + "/contacts/" + doctor);
            } else {
                o.putNull("referring_doctor");
            }
            o.put("created_at", ts(p.createdAt()));
            o.put("updated_at", ts(p.updatedAt()));
            link(o, "appointments", base + "/patients/" + p.id() + "/appointments");
            link(o, "attendees", base + "/attendees?q%5B%5D=patient_id%3A%3D" + p.id());
            link(o, "invoices", base + "/patients/" + p.id() + "/invoices");
            link(o, "medical_alerts", base + "/patients/" + p.id() + "/medical_alerts");
            link(o, "relationships", base + "/relationships?q%5B%5D=patient_id%3A%3D" + p.id());
            o.putObject("links").put("self", base + "/patients/" + p.id());
            return o;
        }

        private ObjectNode renderAppointment(IndividualAppointment a, String base) {
            ObjectNode o = JSON.createObjectNode();
            Patient patient = patients.get(a.patientId());
            o.put("id", Long.toString(a.id()));
            o.put("starts_at", ts(a.startsAt()));
            o.put("ends_at", ts(a.endsAt()));
            o.put("patient_name", patient == null ? null : patient.fullName());
            o.put("notes", a.notes());
            o.put("patient_arrived", a.patientArrived());
            o.put("did_not_arrive", a.didNotArrive());
            o.put("cancelled_at", ts(a.cancelledAt()));
            o.put("cancellation_reason", a.cancellationReason());
            o.put("cancellation_reason_description", a.cancellationReasonDescription());
            o.put("cancellation_note", a.cancellationNote());
            o.put("invoice_status", invoiceStatusByAppointment.get(a.id()));
            o.put("treatment_note_status", a.treatmentNoteStatus());
            boolean past = !a.startsAt().isAfter(clinic.now());
            o.put("email_reminder_sent", past && !a.isCancelled());
            o.put("sms_reminder_sent", past && !a.isCancelled());
            o.put("online_booking_policy_accepted", a.onlineBooking() ? Boolean.TRUE : null);
            o.putNull("booking_ip_address");
            o.putNull("telehealth_url");
            o.put("has_patient_appointment_notes", false);
            o.putNull("repeat_rule");
            o.put("archived_at", ts(a.archivedAt()));
            o.putNull("deleted_at");
            o.put("created_at", ts(a.createdAt()));
            o.put("updated_at", ts(a.updatedAt()));
            link(o, "patient", base + "/patients/" + a.patientId());
            link(o, "practitioner", base + "/practitioners/" + a.practitionerId());
            link(o, "business", base + "/businesses/" + a.businessId());
            link(o, "appointment_type", base + "/appointment_types/" + a.appointmentTypeId());
            link(o, "attendees", base + "/individual_appointments/" + a.id() + "/attendees");
            link(o, "conflicts", base + "/individual_appointments/" + a.id() + "/conflicts");
            o.putNull("patient_case");
            o.putNull("repeated_from");
            o.putNull("repeats");
            o.putObject("links").put("self", base + "/individual_appointments/" + a.id());
            return o;
        }

        private ObjectNode renderInvoice(Invoice i, String base) {
            ObjectNode o = JSON.createObjectNode();
            Patient patient = patients.get(i.patientId());
            o.put("id", Long.toString(i.id()));
            o.put("number", i.number());
            o.put("issue_date", i.issueDate().toString());
            o.put("status", i.status());
            o.put("status_description", i.statusDescription());
            o.put("total_amount", money(i.totalAmount()));
            o.put("net_amount", money(i.netAmount()));
            o.put("tax_amount", money(i.taxAmount()));
            o.put("discounted_amount", "0.0");
            o.put("calculation_method", 2);
            o.put("calculation_method_description", "Tax exclusive");
            o.put("invoice_to", patient == null ? null : patient.fullName());
            o.put("notes", i.notes());
            o.put("patient_extra_information", i.patientExtraInformation());
            o.put("closed_at", ts(i.closedAt()));
            o.putNull("online_payment_url");
            o.put("archived_at", ts(i.archivedAt()));
            o.putNull("deleted_at");
            o.put("created_at", ts(i.createdAt()));
            o.put("updated_at", ts(i.updatedAt()));
            link(o, "patient", base + "/patients/" + i.patientId());
            link(o, "practitioner", base + "/practitioners/" + i.practitionerId());
            link(o, "business", base + "/businesses/" + i.businessId());
            if (i.appointmentId() != null) {
                link(o, "appointment", base + "/appointments/" + i.appointmentId());
            } else {
                o.putNull("appointment");
            }
            o.putNull("attendee");
            link(o, "invoice_items", base + "/invoices/" + i.id() + "/invoice_items");
            o.putNull("original_invoice");
            o.putObject("links").put("self", base + "/invoices/" + i.id());
            return o;
        }

        private ObjectNode renderPractitioner(Practitioner p, String base) {
            ObjectNode o = JSON.createObjectNode();
            o.put("id", Long.toString(p.id()));
            o.put("title", p.title());
            o.put("first_name", p.firstName());
            o.put("last_name", p.lastName());
            o.put("display_name", p.displayName());
            o.put("label", p.displayName());
            o.put("designation", p.designation());
            o.putNull("description");
            o.put("active", p.active());
            o.put("show_in_online_bookings", p.active());
            o.put("created_at", ts(p.createdAt()));
            o.put("updated_at", ts(p.updatedAt()));
            link(o, "user", base + "/users/" + p.userId());
            link(o, "appointment_types", base + "/practitioners/" + p.id() + "/appointment_types");
            link(o, "appointments", base + "/practitioners/" + p.id() + "/appointments");
            link(o, "invoices", base + "/practitioners/" + p.id() + "/invoices");
            o.putNull("default_appointment_type");
            o.putObject("links").put("self", base + "/practitioners/" + p.id());
            return o;
        }

        private ObjectNode renderBusiness(Business b, String base) {
            ObjectNode o = JSON.createObjectNode();
            o.put("id", Long.toString(b.id()));
            o.put("business_name", b.businessName());
            o.put("display_name", b.displayName());
            o.put("label", b.businessName());
            o.put("address_1", b.address1());
            o.putNull("address_2");
            o.put("city", b.city());
            o.put("state", b.state());
            o.put("post_code", b.postCode());
            o.put("country", "Australia");
            o.put("country_code", "AU");
            o.put("time_zone", "Melbourne");
            o.put("time_zone_identifier", b.timeZoneIdentifier());
            o.put("show_in_online_bookings", true);
            ArrayNode typeIds = o.putArray("appointment_type_ids");
            clinic.appointmentTypes().forEach(t -> typeIds.add(Long.toString(t.id())));
            o.putNull("archived_at");
            o.putNull("deleted_at");
            o.put("created_at", ts(b.createdAt()));
            o.put("updated_at", ts(b.updatedAt()));
            link(o, "practitioners", base + "/businesses/" + b.id() + "/practitioners");
            link(o, "appointments", base + "/businesses/" + b.id() + "/appointments");
            o.putObject("links").put("self", base + "/businesses/" + b.id());
            return o;
        }

        private ObjectNode renderAppointmentType(AppointmentType t, String base) {
            ObjectNode o = JSON.createObjectNode();
            o.put("id", Long.toString(t.id()));
            o.put("name", t.name());
            o.put("category", t.category());
            o.putNull("description");
            o.put("color", t.color());
            o.put("duration_in_minutes", t.durationInMinutes());
            o.put("max_attendees", t.maxAttendees());
            o.putNull("deposit_price");
            o.put("show_in_online_bookings", true);
            o.put("telehealth_enabled", false);
            o.putNull("archived_at");
            o.put("created_at", ts(t.createdAt()));
            o.put("updated_at", ts(t.updatedAt()));
            link(o, "practitioners", base + "/appointment_types/" + t.id() + "/practitioners");
            link(o, "appointment_type_billable_items",
                    base + "/appointment_type_billable_items?q%5B%5D=appointment_type_id%3A%3D" + t.id());
            o.putObject("links").put("self", base + "/appointment_types/" + t.id());
            return o;
        }

        // -------------------------------------------------------------- renderers of the extra resources

        ObjectNode renderSettings() {
            ObjectNode o = JSON.createObjectNode();
            ObjectNode account = o.putObject("account");
            account.put("id", "1");
            account.put("name", "Example Physio");
            account.put("subdomain", "example-physio");
            account.put("first_name", "Jordan");
            account.put("last_name", "Reception");
            account.put("email_from", "reception@example.com");
            account.put("country", "Australia");
            account.put("country_code", "AU");
            account.put("currency_symbol", "$");
            account.put("time_zone_support", true);
            account.put("has_time_travelers", false);
            ObjectNode compliance = account.putObject("compliance");
            compliance.put("has_hipaa_compliance_conflicts", false);
            compliance.putArray("hipaa_compliance-conflict_messages");
            renderSections(o.putObject("patient_custom_fields_definition").putArray("sections"),
                    clinic.patientCustomFieldsDefinition());
            o.putObject("reminders").put("default_reminder_type", "SMS & Email");
            ObjectNode terminology = o.putObject("terminology");
            terminology.put("patient", "patient");
            ArrayNode titles = terminology.putArray("titles");
            List.of("Mr", "Mrs", "Ms", "Miss", "Dr", "Mx").forEach(titles::add);
            return o;
        }

        private static void renderSections(ArrayNode out, List<CustomFieldSection> sections) {
            for (CustomFieldSection section : sections) {
                ObjectNode s = out.addObject();
                s.put("name", section.name());
                s.put("token", section.token());
                s.put("archived", section.archived());
                ArrayNode fields = s.putArray("fields");
                for (CustomField f : section.fields()) {
                    ObjectNode field = fields.addObject();
                    field.put("name", f.name());
                    field.put("token", f.token());
                    field.put("type", f.type());
                    field.put("archived", f.archived());
                    if (f.value() != null) {
                        field.put("value", f.value());
                    }
                    if (f.isChoice()) {
                        ArrayNode options = field.putArray("options");
                        for (CustomFieldOption option : f.options()) {
                            ObjectNode opt = options.addObject();
                            opt.put("name", option.name());
                            opt.put("token", option.token());
                            opt.put("archived", option.archived());
                            if (option.selected() != null) {
                                opt.put("selected", option.selected());
                            }
                        }
                        ObjectNode other = field.putObject("other");
                        other.put("enabled", Boolean.TRUE.equals(f.otherEnabled()));
                        other.put("archived", false);
                        if (f.otherSelected() != null) {
                            other.put("selected", f.otherSelected());
                            other.put("value", f.otherValue() == null ? "" : f.otherValue());
                        }
                    }
                }
            }
        }

        private ObjectNode renderContact(Contact c, String base) {
            ObjectNode o = JSON.createObjectNode();
            o.put("id", Long.toString(c.id()));
            o.put("title", c.title());
            o.put("first_name", c.firstName());
            o.put("last_name", c.lastName());
            o.put("preferred_name", c.preferredName());
            o.put("company_name", c.companyName());
            o.put("occupation", c.occupation());
            o.put("email", c.email());
            ArrayNode phones = o.putArray("phone_numbers");
            for (PhoneNumber n : c.phoneNumbers()) {
                ObjectNode ph = phones.addObject();
                ph.put("phone_type", n.phoneType());
                ph.put("number", n.number());
                ph.put("normalized_number", n.normalizedNumber());
            }
            o.put("address_1", c.address1());
            o.put("address_2", c.address2());
            o.put("address_3", c.address3());
            o.put("city", c.city());
            o.put("state", c.state());
            o.put("post_code", c.postCode());
            o.put("country", c.country());
            o.put("country_code", "AU");
            o.put("notes", c.notes());
            o.put("provider_number", c.providerNumber());
            o.put("type", c.type());
            o.put("type_code", c.typeCode());
            o.put("doctor_type", c.doctorType());
            o.put("archived_at", ts(c.archivedAt()));
            o.putNull("deleted_at");
            o.put("created_at", ts(c.createdAt()));
            o.put("updated_at", ts(c.updatedAt()));
            o.putObject("links").put("self", base + "/contacts/" + c.id());
            return o;
        }

        private ObjectNode renderReferralSourceType(ReferralSourceType t, String base) {
            ObjectNode o = JSON.createObjectNode();
            o.put("id", Long.toString(t.id()));
            o.put("name", t.name());
            o.put("referrer_type", t.referrerType());
            ArrayNode subcategories = o.putArray("subcategories");
            t.subcategories().forEach(subcategories::add);
            if ("Patient".equals(t.referrerType())) {
                link(o, "referrers", base + "/patients");
            } else if ("Contact".equals(t.referrerType())) {
                link(o, "referrers", base + "/contacts");
            } else {
                o.putNull("referrers");
            }
            o.put("archived_at", ts(t.archivedAt()));
            o.put("created_at", ts(t.createdAt()));
            o.put("updated_at", ts(t.updatedAt()));
            o.putObject("links").put("self", base + "/referral_source_types/" + t.id());
            return o;
        }

        ObjectNode renderReferralSource(ReferralSource r, String base) {
            ObjectNode o = JSON.createObjectNode();
            o.put("id", Long.toString(r.id()));
            link(o, "referral_source_type", base + "/referral_source_types/" + r.referralSourceTypeId());
            o.put("referrer_type", r.referrerType());
            if (r.referrerId() != null) {
                link(o, "referrer", base + ("Patient".equals(r.referrerType()) ? "/patients/" : "/contacts/")
                        + r.referrerId());
            } else {
                o.putNull("referrer");
            }
            o.put("subcategory", r.subcategory());
            o.put("notes", r.notes());
            link(o, "patient", base + "/patients/" + r.patientId());
            o.put("archived_at", ts(r.archivedAt()));
            o.put("created_at", ts(r.createdAt()));
            o.put("updated_at", ts(r.updatedAt()));
            o.putObject("links").put("self", base + "/patients/" + r.patientId() + "/referral_source");
            return o;
        }

        private ObjectNode renderMedicalAlert(MedicalAlert a, String base) {
            ObjectNode o = JSON.createObjectNode();
            o.put("id", Long.toString(a.id()));
            o.put("name", a.name());
            link(o, "patient", base + "/patients/" + a.patientId());
            o.put("archived_at", ts(a.archivedAt()));
            o.putNull("deleted_at");
            o.put("created_at", ts(a.createdAt()));
            o.put("updated_at", ts(a.updatedAt()));
            o.putObject("links").put("self", base + "/medical_alerts/" + a.id());
            return o;
        }

        private ObjectNode renderTax(Tax t, String base) {
            ObjectNode o = JSON.createObjectNode();
            o.put("id", Long.toString(t.id()));
            o.put("name", t.name());
            o.put("rate", money(t.rate()));
            o.put("amount", money(t.rate()));
            o.put("created_at", ts(t.createdAt()));
            o.put("updated_at", ts(t.updatedAt()));
            o.putObject("links").put("self", base + "/taxes/" + t.id());
            return o;
        }

        private ObjectNode renderBillableItem(BillableItem b, String base) {
            ObjectNode o = JSON.createObjectNode();
            o.put("id", Long.toString(b.id()));
            o.put("name", b.name());
            o.put("item_code", b.itemCode());
            o.put("item_type", b.itemType());
            o.put("price", money(b.price()));
            if (b.taxId() != null) {
                link(o, "tax", base + "/taxes/" + b.taxId());
            } else {
                o.putNull("tax");
            }
            o.put("archived_at", ts(b.archivedAt()));
            o.put("created_at", ts(b.createdAt()));
            o.put("updated_at", ts(b.updatedAt()));
            o.putObject("links").put("self", base + "/billable_items/" + b.id());
            return o;
        }

        private ObjectNode renderProduct(Product p, String base) {
            ObjectNode o = JSON.createObjectNode();
            o.put("id", Long.toString(p.id()));
            o.put("name", p.name());
            o.put("item_code", p.itemCode());
            o.put("serial_number", p.serialNumber());
            o.put("price_ex_tax", money(p.priceExTax()));
            o.put("price_including_tax", money(p.priceIncludingTax()));
            o.put("cost_price", money(p.costPrice()));
            o.put("stock_level", money(p.stockLevel()));
            o.put("notes", p.notes());
            o.putNull("product_supplier");
            if (p.taxId() != null) {
                link(o, "tax", base + "/taxes/" + p.taxId());
            } else {
                o.putNull("tax");
            }
            link(o, "stock_adjustments", base + "/stock_adjustments?q%5B%5D=product_id%3A%3D" + p.id());
            o.put("archived_at", ts(p.archivedAt()));
            o.put("created_at", ts(p.createdAt()));
            o.put("updated_at", ts(p.updatedAt()));
            o.putObject("links").put("self", base + "/products/" + p.id());
            return o;
        }

        private ObjectNode renderInvoiceItem(InvoiceItem i, String base) {
            ObjectNode o = JSON.createObjectNode();
            o.put("id", Long.toString(i.id()));
            o.put("name", i.name());
            o.put("code", i.code());
            o.put("quantity", money(i.quantity()));
            o.put("unit_price", money(i.unitPrice()));
            o.put("net_price", money(i.netPrice()));
            o.put("discount_percentage", money(i.discountPercentage()));
            o.put("discounted_amount", money(i.discountedAmount()));
            o.put("is_monetary_discount", i.isMonetaryDiscount());
            o.put("tax_name", i.taxName());
            o.put("tax_rate", money(i.taxRate()));
            o.put("tax_amount", money(i.totalIncludingTax().subtract(i.netPrice())));
            o.put("total_including_tax", new BigDecimal(money(i.totalIncludingTax())));
            o.putNull("concession_type_name");
            link(o, "invoice", base + "/invoices/" + i.invoiceId());
            if (i.billableItemId() != null) {
                link(o, "billable_item", base + "/billable_items/" + i.billableItemId());
            } else {
                o.putNull("billable_item");
            }
            if (i.productId() != null) {
                link(o, "product", base + "/products/" + i.productId());
            } else {
                o.putNull("product");
            }
            o.put("archived_at", ts(i.archivedAt()));
            o.putNull("deleted_at");
            o.put("created_at", ts(i.createdAt()));
            o.put("updated_at", ts(i.updatedAt()));
            o.putObject("links").put("self", base + "/invoice_items/" + i.id());
            return o;
        }

        private ObjectNode renderTreatmentNote(TreatmentNote t, String base) {
            ObjectNode o = JSON.createObjectNode();
            o.put("id", Long.toString(t.id()));
            o.put("title", t.title());
            o.put("draft", t.draft());
            o.put("finalized_at", ts(t.finalizedAt()));
            o.put("author_name", t.authorName());
            o.putNull("pinned_at");
            if (t.content() == null) {
                o.putNull("content");
            } else {
                ArrayNode sections = o.putObject("content").putArray("sections");
                for (NoteSection section : t.content().sections()) {
                    ObjectNode s = sections.addObject();
                    s.put("name", section.name());
                    s.put("description", section.description());
                    ArrayNode questions = s.putArray("questions");
                    for (NoteQuestion q : section.questions()) {
                        ObjectNode question = questions.addObject();
                        question.put("name", q.name());
                        question.put("type", q.type());
                        if (q.type().equals("checkboxes") || q.type().equals("radiobuttons")) {
                            ArrayNode answers = question.putArray("answers");
                            for (NoteAnswer a : q.answers()) {
                                ObjectNode answer = answers.addObject();
                                answer.put("value", a.value());
                                answer.put("selected", a.selected());
                            }
                            ObjectNode other = question.putObject("other");
                            other.put("enabled", Boolean.TRUE.equals(q.otherEnabled()));
                            other.put("selected", Boolean.TRUE.equals(q.otherSelected()));
                            other.put("value", q.otherValue() == null ? "" : q.otherValue());
                        } else {
                            question.put("answer", q.answer());
                        }
                    }
                }
            }
            o.put("archived_at", ts(t.archivedAt()));
            o.putNull("deleted_at");
            o.put("created_at", ts(t.createdAt()));
            o.put("updated_at", ts(t.updatedAt()));
            link(o, "patient", base + "/patients/" + t.patientId());
            link(o, "practitioner", base + "/practitioners/" + t.practitionerId());
            if (t.bookingId() != null) {
                link(o, "booking", base + "/bookings/" + t.bookingId());
            } else {
                o.putNull("booking");
            }
            o.putNull("attendee");
            o.putNull("treatment_note_template");
            o.putObject("links").put("self", base + "/treatment_notes/" + t.id());
            return o;
        }
    }

    private static ObjectNode renderUser(User u, String base) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", Long.toString(u.id()));
        o.putNull("title");
        o.put("first_name", u.firstName());
        o.put("last_name", u.lastName());
        o.put("email", u.email());
        o.put("role", u.role());
        o.put("active", u.active());
        o.put("user_active", u.active());
        o.putArray("phone_numbers");
        o.put("time_zone", "Melbourne");
        o.put("time_zone_identifier", ClinicGenerator.CLINIC_ZONE.getId());
        o.put("created_at", ts(u.createdAt()));
        o.put("updated_at", ts(u.updatedAt()));
        o.putObject("links").put("self", base + "/users/" + u.id());
        return o;
    }

    private static void link(ObjectNode o, String name, String url) {
        o.putObject(name).putObject("links").put("self", url);
    }

    private static String ts(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private static String money(BigDecimal value) {
        return ClinicCsvExporter.money(value);
    }
}
