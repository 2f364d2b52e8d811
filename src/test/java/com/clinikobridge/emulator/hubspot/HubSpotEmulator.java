package com.clinikobridge.emulator.hubspot;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.clinikobridge.emulator.hubspot.Http.Req;
import com.clinikobridge.emulator.hubspot.Http.Resp;
import com.clinikobridge.emulator.hubspot.PortalState.PropDef;
import com.clinikobridge.emulator.hubspot.PortalState.StoredRecord;
import com.clinikobridge.emulator.hubspot.PortalState.Validated;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import tools.jackson.databind.node.ObjectNode;

/**
 * Stateful in-process HubSpot CRM emulator for tests. Serves the legacy {@code /crm/v3/...} + {@code /crm/v4/...} paths
 * and the date-based {@code /crm/{api}/2026-03/...} paths on {@code http://127.0.0.1:<port>}. All state is guarded by
 * one lock, so it is safe to call from many client threads.
 *
 * <p>Control endpoint {@code GET /_emulator/stats} (no auth, rate limit, latency, faults or counting) answers
 * {@code {"requests":N,"throttled":N,"faults":N,"byKind":{kind:N},"byStatus":{status:N}}}; see {@link #stats()}.
 */
public final class HubSpotEmulator implements AutoCloseable {

    /** Token accepted by {@link #start()}. */
    public static final String DEFAULT_TOKEN = "pat-na1-emulator-token";

    /** Default rolling window for {@link #tenSecondlyLimit(int)}. */
    public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(10);

    /** Path of the control endpoint; see the class comment. */
    public static final String STATS_PATH = "/_emulator/stats";

    /** Body kinds of {@link #malformedBatchReads(int, String)}. */
    public static final List<String> MALFORMED_KINDS = List.of("empty", "html", "truncated");

    /** Mixed into the seed of {@link #lostAnswerRate(double, long)}, so it draws apart from faultRate's sequence. */
    private static final long LOST_ANSWER_SALT = 0x9E3779B97F4A7C15L;

    /** Immutable view of one CRM record. */
    public record RecordSnapshot(String type, String id, Map<String, String> properties, Instant createdAt,
            Instant updatedAt, boolean archived) {
        /** Value of one property, or null. */
        public String property(String name) {
            return properties.get(name);
        }
    }

    /** One stored association edge (direction fromType → toType). */
    public record AssociationSnapshot(String fromId, String toId, int typeId) {
    }

    /** Immutable view of a property definition. */
    public record PropertySnapshot(String name, String label, String type, String fieldType, String groupName,
            boolean hasUniqueValue, boolean hubspotDefined, List<String> optionValues) {
    }

    /** Immutable view of a property group. */
    public record GroupSnapshot(String name, String label) {
    }

    /** Immutable view of a pipeline stage. */
    public record StageSnapshot(String id, String label, String probability) {
    }

    /** Immutable view of a deal pipeline. */
    public record PipelineSnapshot(String id, String label, List<StageSnapshot> stages) {
    }

    /** Immutable view of an owner. */
    public record OwnerSnapshot(String id, String email, String firstName, String lastName, long userId) {
    }

    /** One received HTTP request with the status it was answered with. kind: see {@link #kindCount(String)}. */
    public record RequestLogEntry(String method, String path, String query, String kind, int status) {
    }

    static {
        // Answer without Nagle's delay: the JDK server writes headers and body separately, and the client's delayed
        // ACK would otherwise hold every response ~40 ms. Read once, when the first server in the JVM starts.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final String token;
    private final HttpServer server;
    private final ExecutorService pool;
    private final PortalState state = new PortalState();
    private final AssociationsApi associationsApi = new AssociationsApi(state);
    private final ObjectsApi objectsApi = new ObjectsApi(state, associationsApi);
    private final PropertiesApi propertiesApi = new PropertiesApi(state);
    private final MetaApi metaApi = new MetaApi(state);

    // settings and counters, guarded by state
    private Integer rateMax;
    private Duration rateWindow = DEFAULT_WINDOW;
    private final Deque<Long> windowHits = new ArrayDeque<>();
    private Integer searchPerSecond;
    private final Deque<Long> searchHits = new ArrayDeque<>();
    private Integer dailyMax;
    private int dailyUsed;
    private boolean retryAfterHeader;
    private int failEveryN;
    private int failStatus;
    private int failSeq;
    private int dropEveryN;
    private int dropSeq;
    private int outageAfter = -1;
    private int outageStatus = 503;
    private int outageSeq;
    private int throttled;
    private final List<RequestLogEntry> log = new ArrayList<>();
    private boolean keepRequestLog = true;
    private long requestTotal;
    private final Map<String, Long> byKind = new TreeMap<>();
    private final Map<Integer, Long> byStatus = new TreeMap<>();
    private int faults;
    private double faultRate;
    private Random faultRandom;
    private double lostAnswerRate;
    private Random lostAnswerRandom;
    private int malformedLeft;
    private String malformedKind;
    private volatile long latencyNanos;
    private int proxyLeft;
    private int proxyStatus;
    private String proxyKind;

    /** The page a proxy in front of the API answers with: HTML, not HubSpot's JSON. */
    static final String PROXY_PAGE = "<html><head><title>400 Bad Request</title></head><body><center>"
            + "<h1>400 Bad Request</h1></center><hr><center>cloudflare</center></body></html>";

    private HubSpotEmulator(String token, int port) {
        this.token = token;
        try {
            this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AtomicInteger n = new AtomicInteger();
        // enough threads that latency() does not serialize concurrent clients; created on demand
        this.pool = Executors.newFixedThreadPool(64, r -> {
            Thread t = new Thread(r, "hubspot-emulator-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts an emulator that accepts {@link #DEFAULT_TOKEN}. */
    public static HubSpotEmulator start() {
        return new HubSpotEmulator(DEFAULT_TOKEN, 0);
    }

    /** Starts an emulator that accepts the given bearer token. */
    public static HubSpotEmulator start(String token) {
        return new HubSpotEmulator(token, 0);
    }

    /**
     * Starts an emulator that accepts the given bearer token on 127.0.0.1 and the given port.
     *
     * @param port TCP port to bind, 0 = any free port (see {@link #port()})
     * @throws UncheckedIOException when the port cannot be bound
     */
    public static HubSpotEmulator start(String token, int port) {
        return new HubSpotEmulator(token, port);
    }

    /** Base URL, e.g. {@code http://127.0.0.1:54321} (no trailing slash). */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** Bound TCP port. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The bearer token the emulator accepts. */
    public String token() {
        return token;
    }

    /** Stops the server. */
    @Override
    public void close() {
        PortalState.ALTER.clear();
        server.stop(0);
        pool.shutdownNow();
        try {
            pool.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // =================================================================== settings

    /** Enables the ten-secondly rolling limit with a 10 s window. */
    public HubSpotEmulator tenSecondlyLimit(int maxRequests) {
        return tenSecondlyLimit(maxRequests, DEFAULT_WINDOW);
    }

    /** Enables the rolling limit: at most maxRequests non-search requests per window, else 429 TEN_SECONDLY_ROLLING. */
    public HubSpotEmulator tenSecondlyLimit(int maxRequests, Duration window) {
        synchronized (state) {
            this.rateMax = maxRequests;
            this.rateWindow = window;
            windowHits.clear();
        }
        return this;
    }

    /** Disables the rolling and daily limits. */
    public HubSpotEmulator disableRateLimits() {
        synchronized (state) {
            rateMax = null;
            dailyMax = null;
            searchPerSecond = null;
            windowHits.clear();
        }
        return this;
    }

    /** Daily request cap (non-search); over it → 429 policyName DAILY. */
    public HubSpotEmulator dailyLimit(int maxRequests) {
        synchronized (state) {
            dailyMax = maxRequests;
            dailyUsed = 0;
        }
        return this;
    }

    /** Search bucket: at most n search requests per second, else 429 "secondly" limit. Off by default. */
    public HubSpotEmulator searchPerSecondLimit(int n) {
        synchronized (state) {
            searchPerSecond = n;
            searchHits.clear();
        }
        return this;
    }

    /** When enabled, 429 responses carry Retry-After (seconds until the window frees a slot, at least 1). */
    public HubSpotEmulator retryAfterHeader(boolean enabled) {
        synchronized (state) {
            retryAfterHeader = enabled;
        }
        return this;
    }

    /** Every n-th request from now on is answered with the given status before anything is done. */
    public HubSpotEmulator failEveryNth(int n, int status) {
        synchronized (state) {
            failEveryN = n;
            failStatus = status;
            failSeq = 0;
        }
        return this;
    }

    /** Every n-th request that reaches a handler is performed, then answered with 502 (lost response). */
    public HubSpotEmulator dropResponseEveryNth(int n) {
        synchronized (state) {
            dropEveryN = n;
            dropSeq = 0;
        }
        return this;
    }

    /** Hard outage: the next {@code requests} requests are served, every one after that gets 503. */
    public HubSpotEmulator failAllAfter(int requests) {
        return failAllAfter(requests, 503);
    }

    /** Hard outage with a chosen status. */
    public HubSpotEmulator failAllAfter(int requests, int status) {
        synchronized (state) {
            outageAfter = requests;
            outageStatus = status;
            outageSeq = 0;
        }
        return this;
    }

    /**
     * Hard outage that starts after {@code upserts} record writes (batch upserts or creates) have been answered: every later
     * request (of any kind) answers {@code status}. Unlike failAllAfter, it does not depend on how
     * many set-up requests a run makes first.
     */
    public HubSpotEmulator failAllAfterUpserts(int upserts, int status) {
        synchronized (state) {
            outageAfterUpserts = upserts;
            upsertsSeen = 0;
            outageStatus = status;
        }
        return this;
    }

    /**
     * Random transient faults: each request that passes auth and the rate limits answers 502 or 503 (chosen at
     * random too) with HubSpot's JSON error body, doing nothing, with probability {@code rate} (0..1), drawn from a
     * sequence seeded by {@code seed}, so the number of faults over N requests is the same on every run. Counted in
     * {@link #faultCount()}. 0 = off.
     */
    public HubSpotEmulator faultRate(double rate, long seed) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("fault rate must be between 0 and 1: " + rate);
        }
        synchronized (state) {
            faultRate = rate;
            faultRandom = new Random(seed);
        }
        return this;
    }

    /**
     * Random lost answers: each request that passes auth and the rate limits is performed (its changes are made),
     * then, with probability {@code rate} (0..1), its answer is replaced by a 502 with HubSpot's JSON error body, as
     * when a gateway loses the answer. The draws come from their own sequence seeded by {@code seed} (apart from
     * {@link #faultRate}'s, even for the same seed), so the number of lost answers over N requests is the same on
     * every run. Counted in {@link #faultCount()}. 0 = off; cleared by {@link #clearFaults()} and {@link #reset()}.
     */
    public HubSpotEmulator lostAnswerRate(double rate, long seed) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("lost answer rate must be between 0 and 1: " + rate);
        }
        synchronized (state) {
            lostAnswerRate = rate;
            lostAnswerRandom = new Random(seed ^ LOST_ANSWER_SALT);
        }
        return this;
    }

    /**
     * Malformed batch reads: the next {@code count} {@code POST .../objects/{type}/batch/read} requests (any object
     * type, either path style; not association batch reads) that pass auth and the rate limits are answered 200 with a
     * body of the given kind instead of the real answer: {@code "empty"} (0 bytes, Content-Type application/json),
     * {@code "html"} (a {@code <html><body>Gateway</body></html>} page, Content-Type text/html) or {@code "truncated"}
     * (the first half of the real JSON answer, Content-Type application/json). For testing that a client does not
     * take such an answer for "no records". Counted in {@link #faultCount()}; 0 = off; cleared by
     * {@link #clearFaults()} and {@link #reset()}.
     *
     * @param kind one of {@link #MALFORMED_KINDS}
     */
    public HubSpotEmulator malformedBatchReads(int count, String kind) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative: " + count);
        }
        if (!MALFORMED_KINDS.contains(kind)) {
            throw new IllegalArgumentException("kind must be one of " + MALFORMED_KINDS + ": " + kind);
        }
        synchronized (state) {
            malformedLeft = count;
            malformedKind = kind;
        }
        return this;
    }

    /**
     * Eventually consistent search, as HubSpot's CRM search is: with a lag set, {@code POST .../{type}/search} (both
     * path styles) sees every record as it was {@code lag} ago. A record created less than {@code lag} ago is not
     * found (nor counted in {@code total}); one archived less than {@code lag} ago is still found; one changed less
     * than {@code lag} ago is matched and returned with the values it had {@code lag} ago. Only changes made while a
     * lag is set are remembered, so set it before the records are written. Get by id, batch read, list, create,
     * update and upsert stay strongly consistent. {@link Duration#ZERO} (the default) = no lag; cleared by
     * {@link #reset()}.
     */
    public HubSpotEmulator searchLag(Duration lag) {
        if (lag.isNegative()) {
            throw new IllegalArgumentException("search lag must not be negative: " + lag);
        }
        synchronized (state) {
            state.searchLag = lag;
        }
        return this;
    }

    /**
     * Every request (except {@link #STATS_PATH}) waits {@code latency} before it is handled, simulating network and
     * API latency; concurrent requests wait concurrently (outside the state lock). {@link Duration#ZERO} (the
     * default) = none.
     */
    public HubSpotEmulator latency(Duration latency) {
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative: " + latency);
        }
        latencyNanos = latency.toNanos();
        return this;
    }

    /**
     * Whether to keep the per-request log behind {@link #requests()} and {@link #requestCount(String)} (default
     * true). A long-running server turns it off so memory does not grow with the request count; the counters
     * ({@link #requestCount()}, {@link #kindCount(String)}, {@link #throttledCount()}, {@link #faultCount()},
     * {@link #stats()}) keep working either way. Not changed by {@link #reset()}.
     */
    public HubSpotEmulator keepRequestLog(boolean keep) {
        synchronized (state) {
            keepRequestLog = keep;
            if (!keep) {
                log.clear();
            }
        }
        return this;
    }

    /**
     * Removes every fault injection (failEveryNth, dropResponseEveryNth, failAllAfter, failAllAfterUpserts,
     * faultRate, lostAnswerRate, malformedBatchReads).
     */
    public HubSpotEmulator clearFaults() {
        synchronized (state) {
            faultRate = 0;
            lostAnswerRate = 0;
            malformedLeft = 0;
            proxyLeft = 0;
            outageAfterUpserts = -1;
            failEveryN = 0;
            dropEveryN = 0;
            outageAfter = -1;
        }
        return this;
    }

    /**
     * Makes the portal store a different value than it was sent for one property (as a portal
     * rule or workflow might), so that read-back diffs can be tested. Cleared by close().
     */
    public HubSpotEmulator alterOnWrite(String objectType, String property, java.util.function.UnaryOperator<String> change) {
        PortalState.ALTER.put(ObjectTypes.canonical(objectType) + "." + property, change);
        return this;
    }

    /** Path of HubSpot's private-app token information endpoint (no bearer token; the token is in the body). */
    public static final String TOKEN_INFO = "/oauth/v2/private-apps/get/access-token-info";

    /** Every scope the token holds unless {@link #withoutScopes} takes some away. */
    public static final List<String> SCOPES = List.of("crm.objects.contacts.read", "crm.objects.contacts.write",
            "crm.objects.companies.read", "crm.objects.companies.write", "crm.objects.deals.read",
            "crm.objects.deals.write", "crm.objects.line_items.read", "crm.objects.line_items.write",
            "crm.objects.products.read", "crm.objects.products.write", "crm.schemas.contacts.read",
            "crm.schemas.contacts.write", "crm.schemas.companies.read", "crm.schemas.companies.write",
            "crm.schemas.deals.read", "crm.schemas.deals.write", "crm.objects.owners.read");

    private final Set<String> missingScopes = new java.util.TreeSet<>();

    /**
     * A token without these scopes: the token information endpoint leaves them out, and every
     * CRM request is answered 403 MISSING_SCOPES naming them. Cleared by {@link #reset()}.
     */
    public HubSpotEmulator withoutScopes(String... scopes) {
        synchronized (state) {
            missingScopes.addAll(List.of(scopes));
        }
        return this;
    }

    /** {@code POST /oauth/v2/private-apps/get/access-token-info}: the token's scopes, or 401 for another token. */
    private Resp tokenInfo(Req req) {
        if (!token.equals(Json.text(req.body().path("tokenKey")))) {
            return Resp.json(401, Json.error("INVALID_AUTHENTICATION", "The token is invalid or expired."));
        }
        ObjectNode body = Json.object();
        body.put("userId", 1).put("hubId", PortalState.PORTAL_ID).put("appId", 1);
        tools.jackson.databind.node.ArrayNode scopes = body.putArray("scopes");
        SCOPES.stream().filter(scope -> !missingScopes.contains(scope)).forEach(scopes::add);
        return Resp.json(200, body);
    }

    /** Makes the portal reject hasUniqueValue properties on this object type (400 VALIDATION_ERROR). */
    public HubSpotEmulator refuseUniqueProperties(String objectType) {
        synchronized (state) {
            state.refuseUnique.add(ObjectTypes.canonical(objectType));
        }
        return this;
    }

    /**
     * The next {@code count} requests of a kind (as in {@link #kindCount(String)}: "upsert", "create", "read",
     * "search", "update", "associations"...; null for any) that pass auth are answered by a "proxy" in front of
     * HubSpot: an HTML page with {@code status} (400, 403, 502...), nothing done. Counted in {@link #faultCount()};
     * cleared by {@link #clearFaults()} and {@link #reset()}.
     */
    public HubSpotEmulator proxyErrors(int count, int status, String kind) {
        synchronized (state) {
            proxyLeft = count;
            proxyStatus = status;
            proxyKind = kind;
        }
        return this;
    }

    /** Caps the number of deal pipelines (including the default); creating beyond it → 400. */
    public HubSpotEmulator maxPipelines(int max) {
        synchronized (state) {
            state.maxPipelines = max;
        }
        return this;
    }

    /** Adds an owner (type PERSON) and returns its owner id (use it for hubspot_owner_id). */
    public String addOwner(String email, String firstName, String lastName) {
        synchronized (state) {
            return metaApi.addOwner(email, firstName, lastName).id;
        }
    }

    /**
     * Creates a record directly (bypassing HTTP, rate limits and faults) with normal validation and uniqueness
     * checks; returns its id. Throws IllegalArgumentException when HubSpot would reject it.
     */
    public String seedRecord(String objectType, Map<String, String> properties) {
        synchronized (state) {
            String type = ObjectTypes.canonical(objectType);
            Validated v = state.validate(type, new LinkedHashMap<>(properties), null, true);
            if (!v.ok()) {
                throw new IllegalArgumentException(PortalState.propertyErrorMessage(v.problems()));
            }
            Optional<ApiException> conflict = state.uniqueConflict(type,
                    List.of(new PortalState.PlannedWrite(null, PortalState.merged(null, v.values()))));
            if (conflict.isPresent()) {
                throw new IllegalArgumentException(conflict.get().getMessage());
            }
            return state.create(type, v.values(), Instant.now()).id;
        }
    }

    /**
     * Test hook: changes a record's property as a HubSpot user would (empty string clears it), without validation.
     * Get by id and batch read see the change at once; search after {@link #searchLag(Duration)}.
     */
    public void editRecord(String objectType, String id, String property, String value) {
        synchronized (state) {
            StoredRecord r = state.active(ObjectTypes.canonical(objectType), id).orElseThrow();
            state.update(r, Map.of(property, value), Instant.now());
        }
    }

    /** Test hook: archives a record (and its associations) as a HubSpot user deleting it would. */
    public void deleteRecord(String objectType, String id) {
        synchronized (state) {
            StoredRecord r = state.active(ObjectTypes.canonical(objectType), id).orElseThrow();
            state.archive(r, r.updatedAt);
        }
    }

    /** Test hook: associates two records with a HUBSPOT_DEFINED type (and its inverse). */
    public void seedAssociation(String fromType, String fromId, String toType, String toId, int typeId) {
        synchronized (state) {
            state.associate(ObjectTypes.canonical(fromType), fromId, ObjectTypes.canonical(toType), toId, typeId);
        }
    }

    /**
     * Clears all portal data (records, associations, custom properties/groups, owners, pipelines), settings (limits,
     * faults, latency, search lag) and counters.
     */
    public void reset() {
        synchronized (state) {
            state.reset();
            rateMax = null;
            rateWindow = DEFAULT_WINDOW;
            windowHits.clear();
            searchPerSecond = null;
            searchHits.clear();
            missingScopes.clear();
            dailyMax = null;
            dailyUsed = 0;
            retryAfterHeader = false;
            failEveryN = 0;
            dropEveryN = 0;
            outageAfter = -1;
            outageAfterUpserts = -1;
            upsertsSeen = 0;
            throttled = 0;
            log.clear();
            requestTotal = 0;
            byKind.clear();
            byStatus.clear();
            faults = 0;
            faultRate = 0;
            lostAnswerRate = 0;
            malformedLeft = 0;
            proxyLeft = 0;
            latencyNanos = 0;
        }
    }

    // =================================================================== inspection

    /** Active (non-archived) records of a type, in creation order, each with its createdAt and updatedAt. */
    public List<RecordSnapshot> records(String objectType) {
        synchronized (state) {
            String type = ObjectTypes.canonical(objectType);
            return state.recordsOf(type).values().stream().filter(r -> !r.archived).map(HubSpotEmulator::snapshot)
                    .toList();
        }
    }

    /** Archived records of a type. */
    public List<RecordSnapshot> archivedRecords(String objectType) {
        synchronized (state) {
            String type = ObjectTypes.canonical(objectType);
            return state.recordsOf(type).values().stream().filter(r -> r.archived).map(HubSpotEmulator::snapshot)
                    .toList();
        }
    }

    /** One record by id (active or archived). */
    public Optional<RecordSnapshot> record(String objectType, String id) {
        synchronized (state) {
            return Optional.ofNullable(state.recordsOf(ObjectTypes.canonical(objectType)).get(id))
                    .map(HubSpotEmulator::snapshot);
        }
    }

    /** First active record whose property equals value (case-insensitive for contact email). */
    public Optional<RecordSnapshot> findByProperty(String objectType, String property, String value) {
        synchronized (state) {
            String type = ObjectTypes.canonical(objectType);
            String key = PortalState.normalizeKey(type, property, value);
            return state.recordsOf(type).values().stream().filter(r -> !r.archived)
                    .filter(r -> r.props.get(property) != null
                            && PortalState.normalizeKey(type, property, r.props.get(property)).equals(key))
                    .findFirst().map(HubSpotEmulator::snapshot);
        }
    }

    /** Association edges stored from fromType to toType (both directions are stored for every association). */
    public Set<AssociationSnapshot> associations(String fromType, String toType) {
        synchronized (state) {
            String from = ObjectTypes.canonical(fromType);
            String to = ObjectTypes.canonical(toType);
            Set<AssociationSnapshot> out = new LinkedHashSet<>();
            state.assocs.stream().filter(a -> a.fromType().equals(from) && a.toType().equals(to))
                    .forEach(a -> out.add(new AssociationSnapshot(a.fromId(), a.toId(), a.typeId())));
            return Collections.unmodifiableSet(out);
        }
    }

    /** Active property definitions of a type (HubSpot-defined and custom). */
    public List<PropertySnapshot> properties(String objectType) {
        synchronized (state) {
            return state.props.get(ObjectTypes.canonical(objectType)).values().stream().filter(d -> !d.archived)
                    .map(HubSpotEmulator::snapshot).toList();
        }
    }

    /** One active property definition. */
    public Optional<PropertySnapshot> property(String objectType, String name) {
        synchronized (state) {
            PropDef d = state.props.get(ObjectTypes.canonical(objectType)).get(name);
            return d == null || d.archived ? Optional.empty() : Optional.of(snapshot(d));
        }
    }

    /** Active property groups of a type. */
    public List<GroupSnapshot> groups(String objectType) {
        synchronized (state) {
            return state.groups.get(ObjectTypes.canonical(objectType)).values().stream().filter(g -> !g.archived)
                    .map(g -> new GroupSnapshot(g.name, g.label)).toList();
        }
    }

    /** Deal pipelines, the seeded {@code default} first. */
    public List<PipelineSnapshot> pipelines() {
        synchronized (state) {
            return state.pipelines.values().stream()
                    .map(p -> new PipelineSnapshot(p.id, p.label, p.stages.stream()
                            .map(s -> new StageSnapshot(s.id, s.label, s.metadata.get("probability"))).toList()))
                    .toList();
        }
    }

    /** Owners added with {@link #addOwner}. */
    public List<OwnerSnapshot> owners() {
        synchronized (state) {
            return state.owners.values().stream()
                    .map(o -> new OwnerSnapshot(o.id, o.email, o.firstName, o.lastName, o.userId)).toList();
        }
    }

    /** Total HTTP requests received (including faulted, unauthorized and throttled ones; not {@link #STATS_PATH}). */
    public int requestCount() {
        synchronized (state) {
            return (int) requestTotal;
        }
    }

    /**
     * Requests whose path starts with the prefix, e.g. "/crm/v3/objects/contacts/batch/upsert". Reads the request
     * log: 0 when {@link #keepRequestLog(boolean)} is off.
     */
    public int requestCount(String pathPrefix) {
        synchronized (state) {
            return (int) log.stream().filter(e -> e.path().startsWith(pathPrefix)).count();
        }
    }

    /**
     * Requests of one endpoint kind: "create", "update", "upsert", "read", "archive", "list", "search",
     * "associations", "properties", "owners", "pipelines", "other".
     */
    public int kindCount(String kind) {
        synchronized (state) {
            return byKind.getOrDefault(kind, 0L).intValue();
        }
    }

    /**
     * Requests answered with an injected fault (failEveryNth, dropResponseEveryNth, outages, faultRate,
     * lostAnswerRate, malformedBatchReads).
     */
    public int faultCount() {
        synchronized (state) {
            return faults;
        }
    }

    /**
     * Counters as answered by {@code GET /_emulator/stats}: {@code requests}, {@code throttled}, {@code faults}
     * (numbers), {@code byKind} (kind as in {@link #kindCount(String)} → requests, sorted) and {@code byStatus}
     * (HTTP status → responses, sorted).
     */
    public ObjectNode stats() {
        synchronized (state) {
            ObjectNode o = Json.object();
            o.put("requests", requestTotal);
            o.put("throttled", throttled);
            o.put("faults", faults);
            ObjectNode kinds = o.putObject("byKind");
            byKind.forEach(kinds::put);
            ObjectNode statuses = o.putObject("byStatus");
            byStatus.forEach((status, n) -> statuses.put(Integer.toString(status), n));
            return o;
        }
    }

    /** Requests answered 429 by the rate limiter. */
    public int throttledCount() {
        synchronized (state) {
            return throttled;
        }
    }

    /** Copy of the request log, oldest first (empty when {@link #keepRequestLog(boolean)} is off). */
    public List<RequestLogEntry> requests() {
        synchronized (state) {
            return List.copyOf(log);
        }
    }

    private static RecordSnapshot snapshot(StoredRecord r) {
        return new RecordSnapshot(r.type, r.id, Collections.unmodifiableMap(new LinkedHashMap<>(r.props)), r.createdAt,
                r.updatedAt, r.archived);
    }

    private static PropertySnapshot snapshot(PropDef d) {
        return new PropertySnapshot(d.name, d.label, d.type, d.fieldType, d.groupName, d.hasUniqueValue,
                d.hubspotDefined, d.options.stream().map(PortalState.Option::value).toList());
    }

    // =================================================================== HTTP

    private void handle(HttpExchange ex) {
        try (ex) {
            if (STATS_PATH.equals(ex.getRequestURI().getRawPath()) && "GET".equals(ex.getRequestMethod())) {
                send(ex, Resp.json(200, stats()));
                return;
            }
            long latency = latencyNanos;
            if (latency > 0) {
                TimeUnit.NANOSECONDS.sleep(latency);
            }
            byte[] raw = ex.getRequestBody().readAllBytes();
            Req req = new Req(ex.getRequestMethod().toUpperCase(), ex.getRequestURI().getRawPath(),
                    ex.getRequestURI().getRawQuery(), raw);
            Resp resp;
            synchronized (state) {
                resp = process(req, ex.getRequestHeaders().getFirst("Authorization"));
            }
            send(ex, resp);
        } catch (IOException e) {
            // client went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // shutting down
        } catch (RuntimeException e) {
            try {
                send(ex, Resp.json(500, Json.error("INTERNAL_ERROR", "Emulator failure: " + e)));
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }

    private static String kindOf(Req req) {
        if (req.api == null) {
            return "other";
        }
        return switch (req.api) {
            case "objects" -> req.rest.isEmpty() ? "other" : ObjectsApi.kind(req);
            case "associations" -> "associations";
            case "properties" -> "properties";
            case "owners" -> "owners";
            case "pipelines" -> "pipelines";
            default -> "other";
        };
    }

    private Resp process(Req req, String authorization) {
        String kind = kindOf(req);
        requestTotal++;
        byKind.merge(kind, 1L, Long::sum);
        int index = -1;
        if (keepRequestLog) {
            index = log.size();
            log.add(new RequestLogEntry(req.method, req.path, req.query.isEmpty() ? null : String.valueOf(req.query),
                    kind, 0));
        }
        Resp resp = decide(req, authorization, kind);
        byStatus.merge(resp.status, 1L, Long::sum);
        if (index >= 0) {
            log.set(index, new RequestLogEntry(req.method, req.path, log.get(index).query(), kind, resp.status));
        }
        return resp;
    }

    private int outageAfterUpserts = -1;
    private int upsertsSeen;

    private Resp decide(Req req, String authorization, String kind) {
        if (outageAfter >= 0 && ++outageSeq > outageAfter) {
            return injectFault(outageStatus);
        }
        if (outageAfterUpserts >= 0 && upsertsSeen >= outageAfterUpserts) {
            return injectFault(outageStatus);
        }
        if ("upsert".equals(kind) || "create".equals(kind)) {
            upsertsSeen++; // a batch create writes records as an upsert does
        }
        if (failEveryN > 0 && ++failSeq % failEveryN == 0) {
            return injectFault(failStatus);
        }
        if (TOKEN_INFO.equals(req.path) && "POST".equals(req.method)) {
            try {
                return tokenInfo(req);
            } catch (ApiException e) {
                return Resp.json(e.status, e.body);
            }
        }
        if (authorization == null || !authorization.equals("Bearer " + token)) {
            ObjectNode body = Json.error("INVALID_AUTHENTICATION", authorization == null
                    ? "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview"
                    : "Authentication credentials are invalid or expired. Check that the private app access token is correct.");
            return Resp.json(401, body);
        }
        if (!missingScopes.isEmpty()) {
            ObjectNode body = Json.error("MISSING_SCOPES", "This app hasn't been granted all required scopes to make"
                    + " this call. Read more about required scopes here: https://developers.hubspot.com/scopes.");
            tools.jackson.databind.node.ArrayNode required = body.putArray("errors").addObject()
                    .put("message", "One or more of the following scopes are required.")
                    .putObject("context").putArray("requiredGranularScopes");
            missingScopes.forEach(required::add);
            return Resp.json(403, body);
        }
        if (proxyLeft > 0 && (proxyKind == null || proxyKind.equals(kind))) {
            proxyLeft--;
            faults++;
            return Resp.raw(proxyStatus, "text/html", PROXY_PAGE.getBytes(StandardCharsets.UTF_8));
        }
        boolean search = "search".equals(kind);
        long now = System.nanoTime();
        if (search) {
            if (searchPerSecond != null) {
                prune(searchHits, now, Duration.ofSeconds(1));
                if (searchHits.size() >= searchPerSecond) {
                    throttled++;
                    return rateLimited("You have reached your secondly limit.", "SECONDLY", null,
                            retrySeconds(searchHits, now, Duration.ofSeconds(1)));
                }
                searchHits.addLast(now);
            }
        } else {
            prune(windowHits, now, rateWindow);
            if (rateMax != null && windowHits.size() >= rateMax) {
                throttled++;
                return rateLimited("You have reached your ten_secondly_rolling limit.", "TEN_SECONDLY_ROLLING",
                        "publicapi:private-app-api-calls-ten-secondly:" + PortalState.PORTAL_ID,
                        retrySeconds(windowHits, now, rateWindow));
            }
            if (dailyMax != null && dailyUsed >= dailyMax) {
                throttled++;
                return rateLimited("You have reached your daily limit.", "DAILY", null, 60);
            }
            windowHits.addLast(now);
            dailyUsed++;
        }
        if (faultRate > 0 && faultRandom.nextDouble() < faultRate) {
            return injectFault(faultRandom.nextBoolean() ? 502 : 503);
        }
        Resp resp;
        try {
            resp = route(req);
        } catch (ApiException e) {
            resp = Resp.json(e.status, e.body);
        }
        if (!search) {
            int max = rateMax == null ? 190 : rateMax;
            resp.headers.put("X-HubSpot-RateLimit-Max", String.valueOf(max));
            resp.headers.put("X-HubSpot-RateLimit-Remaining", String.valueOf(Math.max(0, max - windowHits.size())));
            resp.headers.put("X-HubSpot-RateLimit-Interval-Milliseconds", String.valueOf(rateWindow.toMillis()));
            if (dailyMax != null) {
                resp.headers.put("X-HubSpot-RateLimit-Daily", String.valueOf(dailyMax));
                resp.headers.put("X-HubSpot-RateLimit-Daily-Remaining", String.valueOf(Math.max(0, dailyMax - dailyUsed)));
            }
        }
        boolean dropped = dropEveryN > 0 && ++dropSeq % dropEveryN == 0;
        boolean lost = lostAnswerRate > 0 && lostAnswerRandom.nextDouble() < lostAnswerRate;
        if (dropped || lost) {
            return injectFault(502);
        }
        if (malformedLeft > 0 && objectsBatchRead(req)) {
            malformedLeft--;
            faults++;
            return malformed(resp, malformedKind);
        }
        return resp;
    }

    private static boolean objectsBatchRead(Req req) {
        return "POST".equals(req.method) && "objects".equals(req.api) && req.rest.size() == 3
                && "batch".equals(req.seg(1)) && "read".equals(req.seg(2));
    }

    /** A 200 whose body is not the answer: see {@link #malformedBatchReads(int, String)}. */
    private static Resp malformed(Resp real, String kind) {
        Resp r = switch (kind) {
            case "empty" -> Resp.raw(200, "application/json;charset=utf-8", new byte[0]);
            case "html" -> Resp.raw(200, "text/html;charset=utf-8",
                    "<html><body>Gateway</body></html>".getBytes(StandardCharsets.UTF_8));
            default -> {
                byte[] full = real.body == null ? new byte[0] : Json.MAPPER.writeValueAsBytes(real.body);
                yield Resp.raw(200, "application/json;charset=utf-8", Arrays.copyOf(full, full.length / 2));
            }
        };
        r.headers.putAll(real.headers);
        return r;
    }

    private Resp route(Req req) {
        if (req.api == null) {
            throw ApiException.notFound("No route for " + req.method + " " + req.path);
        }
        return switch (req.api) {
            case "objects" -> {
                if (req.rest.isEmpty()) {
                    throw ApiException.notFound("No route for " + req.method + " " + req.path);
                }
                yield objectsApi.handle(req);
            }
            case "associations" -> associationsApi.handle(req);
            case "properties" -> {
                if (req.rest.isEmpty()) {
                    throw ApiException.notFound("No route for " + req.method + " " + req.path);
                }
                yield propertiesApi.handle(req);
            }
            case "owners" -> metaApi.owners(req);
            case "pipelines" -> metaApi.pipelines(req);
            default -> throw ApiException.notFound("No route for " + req.method + " " + req.path);
        };
    }

    private static void prune(Deque<Long> hits, long now, Duration window) {
        long cutoff = now - window.toNanos();
        while (!hits.isEmpty() && hits.peekFirst() <= cutoff) {
            hits.pollFirst();
        }
    }

    private static int retrySeconds(Deque<Long> hits, long now, Duration window) {
        if (hits.isEmpty()) {
            return 1;
        }
        long waitNanos = hits.peekFirst() + window.toNanos() - now;
        return (int) Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
    }

    private Resp rateLimited(String message, String policy, String groupName, int retryAfter) {
        ObjectNode body = Json.object();
        body.put("status", "error");
        body.put("message", message);
        body.put("errorType", "RATE_LIMIT");
        body.put("correlationId", Json.correlationId());
        body.put("policyName", policy);
        body.put("category", "RATE_LIMITS");
        if (groupName != null) {
            body.put("groupName", groupName);
        } else {
            body.put("requestId", Json.correlationId());
        }
        Resp r = Resp.json(429, body);
        if (retryAfterHeader) {
            r.headers.put("Retry-After", String.valueOf(retryAfter));
        }
        return r;
    }

    private Resp injectFault(int status) {
        faults++;
        return fault(status);
    }

    private static Resp fault(int status) {
        String category = switch (status) {
            case 429 -> "RATE_LIMITS";
            case 423 -> "LOCKED";
            default -> status >= 500 ? "INTERNAL_ERROR" : "VALIDATION_ERROR";
        };
        return Resp.json(status, Json.error(category, "Emulated fault: HTTP " + status));
    }

    private static void send(HttpExchange ex, Resp resp) throws IOException {
        resp.headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        if (resp.raw != null) {
            ex.getResponseHeaders().set("Content-Type", resp.contentType);
            // -1: no body and Content-Length 0 (0 would mean chunked)
            ex.sendResponseHeaders(resp.status, resp.raw.length == 0 ? -1 : resp.raw.length);
            if (resp.raw.length > 0) {
                try (OutputStream os = ex.getResponseBody()) {
                    os.write(resp.raw);
                }
            }
            return;
        }
        if (resp.body == null || resp.status == 204) {
            ex.sendResponseHeaders(resp.status, -1);
            return;
        }
        byte[] bytes = Json.MAPPER.writeValueAsString(resp.body).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json;charset=utf-8");
        ex.sendResponseHeaders(resp.status, bytes.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(bytes);
        }
    }
}
