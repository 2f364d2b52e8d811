package com.clinikobridge.hubspot;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.clinikobridge.http.ApiStats;
import com.clinikobridge.http.HttpReply;
import com.clinikobridge.http.RateLimit;
import com.clinikobridge.http.ResilientHttp;
import com.clinikobridge.http.RetryBudget;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpMethod;

/**
 * Thin HubSpot CRM client (HubSpot DIGEST §1–10): bearer token, path versions from
 * {@link HubSpotPaths}, parsed error bodies, a shared client-side rate limit (100 requests per
 * 10 s by default), 429 backoff by {@code policyName} ({@code TEN_SECONDLY_ROLLING} waits out
 * the window, {@code SECONDLY} 1 s, {@code DAILY} gives up so the run stops restartable),
 * {@code Retry-After} honoured, and 5xx/423/477 retried.
 */
public final class HubSpotClient {

	static final JsonMapper JSON = JsonMapper.builder().build();

	private final ResilientHttp http;

	private final HubSpotPaths paths;

	/**
	 * @param token private app or service key token (never logged)
	 * @param window the rate-limit window; a TEN_SECONDLY_ROLLING 429 waits this long
	 */
	public HubSpotClient(String token, String baseUrl, HubSpotPaths paths, int requestsPerWindow, Duration window,
			RetryBudget budget, Duration timeout) {
		this.paths = paths;
		this.http = new ResilientHttp("HubSpot", baseUrl, b -> b.defaultHeader("Authorization", "Bearer " + token),
				new RateLimit(requestsPerWindow, window), budget, reply -> throttleWait(reply, window), timeout,
				HubSpotClient::isHubSpotError);
	}

	static Optional<Duration> throttleWait(HttpReply reply, Duration window) {
		String retryAfter = reply.header("Retry-After");
		if (retryAfter != null && retryAfter.trim().matches("\\d+")) {
			return Optional.of(Duration.ofSeconds(Long.parseLong(retryAfter.trim())));
		}
		String policy = "";
		String message = "";
		try {
			JsonNode body = JSON.readTree(reply.body());
			policy = body.path("policyName").asString("");
			message = body.path("message").asString("");
		}
		catch (RuntimeException ex) {
			// not JSON: treat as the ten-secondly limit
		}
		if (policy.equals("DAILY") || message.contains("daily limit")) {
			return Optional.empty();
		}
		if (policy.equals("SECONDLY") || message.contains("secondly limit.")) {
			return Optional.of(Duration.ofSeconds(1));
		}
		return Optional.of(window);
	}

	/** A list cut into consecutive batches of at most {@code size} (HubSpot's per-call input limits). */
	static <T> List<List<T>> batches(List<T> list, int size) {
		List<List<T>> batches = new ArrayList<>();
		for (int from = 0; from < list.size(); from += size) {
			batches.add(list.subList(from, Math.min(list.size(), from + size)));
		}
		return batches;
	}

	/**
	 * Writes run this many batches of a chunk at once. HubSpot answers a batch in a few hundred
	 * milliseconds; one at a time, a run could not use its 10 requests a second. The rate limit
	 * paces them all the same.
	 */
	static final int PARALLEL_BATCHES = 4;

	private static final java.util.concurrent.ExecutorService WRITERS = java.util.concurrent.Executors
		.newCachedThreadPool(r -> {
			Thread t = new Thread(r, "hubspot-writer");
			t.setDaemon(true);
			return t;
		});

	/**
	 * Runs one task per batch, up to {@link #PARALLEL_BATCHES} at a time, and returns their
	 * results in batch order; the first failure (in batch order) is thrown once all have ended.
	 */
	static <T, R> List<R> eachBatch(List<T> batches, java.util.function.Function<T, R> task) {
		if (batches.size() <= 1) {
			return batches.stream().map(task).toList();
		}
		java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(PARALLEL_BATCHES);
		List<java.util.concurrent.Future<R>> futures = new ArrayList<>();
		for (T batch : batches) {
			slots.acquireUninterruptibly();
			futures.add(WRITERS.submit(() -> {
				try {
					return task.apply(batch);
				}
				finally {
					slots.release();
				}
			}));
		}
		List<R> results = new ArrayList<>();
		RuntimeException first = null;
		for (java.util.concurrent.Future<R> f : futures) {
			try {
				results.add(f.get());
			}
			catch (java.util.concurrent.ExecutionException ex) {
				if (first == null) {
					first = ex.getCause() instanceof RuntimeException r ? r : new IllegalStateException(ex.getCause());
				}
			}
			catch (InterruptedException ex) {
				futures.forEach(other -> other.cancel(true)); // leave no batch writing for nobody
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while writing to HubSpot", ex);
			}
		}
		if (first != null) {
			throw first;
		}
		return results;
	}

	public ApiStats stats() {
		return http.stats();
	}

	public HubSpotPaths paths() {
		return paths;
	}

	/**
	 * Whether an error answer is HubSpot's own: a JSON object with {@code "status":"error"}, a
	 * {@code category} or a {@code message}. Only such an answer may refuse records; anything else
	 * (a proxy's HTML page, an empty body, JSON cut short) is retried as an infrastructure fault.
	 */
	static boolean isHubSpotError(HttpReply reply) {
		JsonNode body = jsonObject(reply);
		return body != null && ("error".equals(body.path("status").asString(null)) || body.path("category").isString()
				|| body.path("message").isString());
	}

	/** Whether a 2xx answer is a JSON object, or a 204 without a body. */
	static boolean jsonOrNoContent(HttpReply reply) {
		return reply.status() == 204 || jsonObject(reply) != null;
	}

	private static JsonNode jsonObject(HttpReply reply) {
		try {
			JsonNode body = JSON.readTree(reply.body());
			return body != null && body.isObject() ? body : null;
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	/**
	 * Sends a request and returns the parsed JSON body of a 2xx answer (an empty object for 204).
	 * A 2xx answer that is neither JSON nor a 204 is retried, never read as "nothing".
	 * @throws HubSpotException when HubSpot refuses the request with its own error
	 */
	JsonNode call(HttpMethod method, String path, JsonNode body) {
		HttpReply reply = http.send(method, path, body == null ? null : JSON.writeValueAsString(body),
				HubSpotClient::jsonOrNoContent);
		if (!reply.ok()) {
			throw error(reply);
		}
		return reply.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(reply.body());
	}

	/** A CRM search; an answer without a {@code results} array is retried, never read as "none found". */
	private JsonNode search(String objectType, JsonNode body) {
		HttpReply reply = http.send(HttpMethod.POST, paths.objects(objectType) + "/search", JSON.writeValueAsString(body),
				HubSpotClient::hasResults);
		if (!reply.ok()) {
			throw error(reply);
		}
		return JSON.readTree(reply.body());
	}

	static HubSpotException error(HttpReply reply) {
		String category = null;
		String message = reply.body();
		try {
			JsonNode body = JSON.readTree(reply.body());
			category = body.path("category").asString(null);
			message = body.path("message").asString(reply.body());
			String correlation = body.path("correlationId").asString(null);
			if (correlation != null) {
				message = message + " (correlationId " + correlation + ")";
			}
		}
		catch (RuntimeException ex) {
			// keep the raw text
		}
		String hint = reply.status() == 401 ? " (check HUBSPOT_ACCESS_TOKEN)"
				: reply.status() == 403 ? " (the token lacks a scope)" : "";
		return new HubSpotException(reply.status(), category, message + hint);
	}

	/**
	 * What one cheap authenticated call answered (the owners list, one owner): its HTTP status, the
	 * scopes a 403 {@code MISSING_SCOPES} answer names ({@code requiredGranularScopes}), and HubSpot's
	 * message (no values of records).
	 */
	public record Access(int status, List<String> missingScopes, String message) {

		public boolean ok() {
			return status >= 200 && status < 300;
		}
	}

	/** One cheap authenticated call, for preflight: never throws for a 4xx answer. */
	public Access access() {
		HttpReply reply = http.send(HttpMethod.GET, paths.owners() + "?limit=1&archived=false", null);
		if (reply.ok()) {
			return new Access(reply.status(), List.of(), "");
		}
		List<String> scopes = new ArrayList<>();
		String message = "";
		try {
			JsonNode body = JSON.readTree(reply.body());
			message = body.path("message").asString("");
			for (JsonNode e : body.path("errors")) {
				e.path("context").path("requiredGranularScopes").forEach(scope -> scopes.add(scope.asString()));
			}
		}
		catch (RuntimeException ex) {
			// not HubSpot's JSON: the status says enough
		}
		return new Access(reply.status(), scopes, message);
	}

	/**
	 * The scopes the token holds, from HubSpot's token information endpoint for private-app tokens
	 * ({@code POST /oauth/v2/private-apps/get/access-token-info}); empty when HubSpot does not tell
	 * (service keys and OAuth tokens are not private-app tokens).
	 */
	public Optional<Set<String>> tokenScopes(String token) {
		ObjectNode body = JSON.createObjectNode().put("tokenKey", token);
		HttpReply reply = http.send(HttpMethod.POST, "/oauth/v2/private-apps/get/access-token-info",
				JSON.writeValueAsString(body));
		if (!reply.ok()) {
			return Optional.empty();
		}
		try {
			JsonNode scopes = JSON.readTree(reply.body()).path("scopes");
			if (!scopes.isArray()) {
				return Optional.empty();
			}
			Set<String> granted = new java.util.TreeSet<>();
			scopes.forEach(scope -> granted.add(scope.asString()));
			return Optional.of(granted);
		}
		catch (RuntimeException ex) {
			return Optional.empty();
		}
	}

	/** An owner: id for {@code hubspot_owner_id}, email, first and last name. */
	public record Owner(String id, String email, String firstName, String lastName) {
	}

	/** All owners, following {@code paging.next.after}. */
	public List<Owner> owners() {
		List<Owner> owners = new ArrayList<>();
		String after = null;
		do {
			JsonNode page = call(HttpMethod.GET,
					paths.owners() + "?limit=100&archived=false" + (after == null ? "" : "&after=" + after), null);
			for (JsonNode o : page.path("results")) {
				owners.add(new Owner(o.path("id").asString(), o.path("email").asString(null),
						o.path("firstName").asString(null), o.path("lastName").asString(null)));
			}
			after = page.path("paging").path("next").path("after").asString(null);
		}
		while (after != null && !after.isEmpty());
		return owners;
	}

	/** The property definitions of an object type, by name. */
	public Map<String, JsonNode> properties(String objectType) {
		Map<String, JsonNode> byName = new HashMap<>();
		for (JsonNode p : call(HttpMethod.GET, paths.properties(objectType), null).path("results")) {
			byName.put(p.path("name").asString(), p);
		}
		return byName;
	}

	void updateProperty(String objectType, String name, ObjectNode changes) {
		call(HttpMethod.PATCH, paths.properties(objectType) + "/" + name, changes);
	}

	/** Names of the property groups of an object type. */
	public List<String> propertyGroups(String objectType) {
		List<String> names = new ArrayList<>();
		for (JsonNode g : call(HttpMethod.GET, paths.propertyGroups(objectType), null).path("results")) {
			names.add(g.path("name").asString());
		}
		return names;
	}

	void createPropertyGroup(String objectType, String name, String label) {
		ObjectNode body = JSON.createObjectNode().put("name", name).put("label", label).put("displayOrder", -1);
		createTolerateConflict(paths.propertyGroups(objectType), body);
	}

	/**
	 * Creates properties with one {@code batch/create} call per 100; a property that already
	 * exists (an earlier attempt whose answer was lost) is not an error.
	 * @return HubSpot's message for each property it refused
	 */
	List<String> createProperties(String objectType, List<ObjectNode> definitions) {
		List<String> refused = new ArrayList<>();
		for (List<ObjectNode> batch : batches(definitions, 100)) {
			ObjectNode body = JSON.createObjectNode();
			body.putArray("inputs").addAll(batch);
			JsonNode result;
			try {
				result = call(HttpMethod.POST, paths.propertiesBatchCreate(objectType), body);
			}
			catch (HubSpotException ex) {
				if (ex.status() != 404 && ex.status() != 405) {
					throw ex;
				}
				// A portal (or proxy) without the batch endpoint: one property at a time.
				for (ObjectNode definition : batch) {
					try {
						call(HttpMethod.POST, paths.properties(objectType), definition);
					}
					catch (HubSpotException one) {
						if (one.status() != 409) {
							refused.add(one.getMessage());
						}
					}
				}
				continue;
			}
			for (JsonNode e : result.path("errors")) {
				if (!"CONFLICT".equals(e.path("category").asString(null))) {
					refused.add(e.path("message").asString("property refused"));
				}
			}
		}
		return refused;
	}

	private void createTolerateConflict(String path, ObjectNode body) {
		try {
			call(HttpMethod.POST, path, body);
		}
		catch (HubSpotException ex) {
			if (ex.status() != 409) {
				throw ex;
			}
		}
	}

	/** Deal (or other) pipelines with their stages. */
	public List<JsonNode> pipelines(String objectType) {
		List<JsonNode> list = new ArrayList<>();
		call(HttpMethod.GET, paths.pipelines(objectType), null).path("results").forEach(list::add);
		return list;
	}

	JsonNode createPipeline(String objectType, ObjectNode body) {
		return call(HttpMethod.POST, paths.pipelines(objectType), body);
	}

	/** What HubSpot did with one upsert input: its record id, whether it was new, and when created. */
	public record Written(String hubspotId, boolean isNew, Instant createdAt) {
	}

	/** Result of an upsert: written inputs and refused inputs (with HubSpot's message), by source key. */
	public record UpsertOutcome(Map<String, Written> written, Map<String, String> refused) {
	}

	/**
	 * Upserts records on a unique ID property ({@code batch/upsert}, ≤ 100 per call). A 207 is
	 * handled record by record; a whole-batch 400 or 409 (one conflicting record fails the batch)
	 * is bisected until the refused records are isolated, so the rest still lands.
	 * @param inputs source key (the idProperty value) → properties
	 */
	public UpsertOutcome upsert(String objectType, String idProperty, Map<String, Map<String, String>> inputs) {
		UpsertOutcome outcome = new UpsertOutcome(new LinkedHashMap<>(), new LinkedHashMap<>());
		List<String> keys = new ArrayList<>(inputs.keySet());
		for (UpsertOutcome part : eachBatch(batches(keys, 100), batch -> {
			UpsertOutcome one = new UpsertOutcome(new LinkedHashMap<>(), new LinkedHashMap<>());
			upsertBisecting(objectType, idProperty, batch, inputs, one);
			return one;
		})) {
			outcome.written().putAll(part.written());
			outcome.refused().putAll(part.refused());
		}
		return outcome;
	}

	private void upsertBisecting(String objectType, String idProperty, List<String> keys,
			Map<String, Map<String, String>> inputs, UpsertOutcome outcome) {
		ObjectNode body = JSON.createObjectNode();
		ArrayNode array = body.putArray("inputs");
		for (String key : keys) {
			ObjectNode input = array.addObject();
			input.put("id", key).put("idProperty", idProperty).put("objectWriteTraceId", key);
			ObjectNode props = input.putObject("properties");
			inputs.get(key).forEach(props::put);
		}
		HttpReply reply = http.send(HttpMethod.POST, paths.batch(objectType, "upsert"), JSON.writeValueAsString(body),
				HubSpotClient::hasResults);
		if (reply.status() == 400 || reply.status() == 409) {
			if (keys.size() == 1) {
				outcome.refused().put(keys.get(0), error(reply).getMessage());
				return;
			}
			int half = keys.size() / 2;
			upsertBisecting(objectType, idProperty, keys.subList(0, half), inputs, outcome);
			upsertBisecting(objectType, idProperty, keys.subList(half, keys.size()), inputs, outcome);
			return;
		}
		if (!reply.ok()) {
			throw error(reply);
		}
		JsonNode result = JSON.readTree(reply.body());
		List<String> open = new ArrayList<>(keys);
		for (JsonNode r : result.path("results")) {
			String key = r.path("properties").path(idProperty).asString(null);
			if (key == null || !open.contains(key)) {
				continue;
			}
			open.remove(key);
			String created = r.path("createdAt").asString(null);
			outcome.written().put(key, new Written(r.path("id").asString(), r.path("new").asBoolean(false),
					created == null ? null : Instant.parse(created)));
		}
		String unattributed = null;
		for (JsonNode e : result.path("errors")) {
			String key = firstOf(e.path("context").path("objectWriteTraceId"));
			if (key == null) {
				key = firstOf(e.path("context").path("ids"));
			}
			if (key == null && open.size() == 1) {
				key = open.get(0);
			}
			if (key != null && open.remove(key)) {
				outcome.refused().put(key, e.path("message").asString("refused by HubSpot"));
			}
			else if (key == null) {
				unattributed = e.path("message").asString("refused by HubSpot");
			}
		}
		if (!open.isEmpty() && unattributed != null) {
			// An error names no record: send the open ones again one by one, so each answer is its own.
			if (open.size() == keys.size()) {
				open.forEach(key -> outcome.refused().put(key, "HubSpot refused the batch: " + error(reply).category()));
				return;
			}
			for (String key : open) {
				upsertBisecting(objectType, idProperty, List.of(key), inputs, outcome);
			}
			return;
		}
		if (!open.isEmpty()) {
			// Written but not named in the answer (a portal that echoes no properties): read them back.
			Map<String, Written> found = readByIdProperty(objectType, idProperty, open);
			for (String key : open) {
				if (found.containsKey(key)) {
					outcome.written().put(key, found.get(key));
				}
				else {
					outcome.refused().put(key, "HubSpot returned no result for this record");
				}
			}
		}
	}

	/**
	 * Reads records by HubSpot record id ({@code batch/read}, ≤ 100 per call).
	 * @return record id → property values HubSpot holds (absent properties left out)
	 */
	public Map<String, Map<String, String>> read(String objectType, List<String> ids, List<String> properties) {
		Map<String, Map<String, String>> found = new HashMap<>();
		for (JsonNode r : batchRead(objectType, null, ids, properties, true)) {
			found.put(r.path("id").asString(), values(r));
		}
		return found;
	}

	/** Reads records by their unique ID property ({@code batch/read} with {@code idProperty}). */
	Map<String, Written> readByIdProperty(String objectType, String idProperty, List<String> keys) {
		Map<String, Written> found = new HashMap<>();
		for (JsonNode r : batchRead(objectType, idProperty, keys, List.of(idProperty), false)) {
			String key = r.path("properties").path(idProperty).asString(null);
			if (key != null) {
				String created = r.path("createdAt").asString(null);
				found.put(key, new Written(r.path("id").asString(), false,
						created == null ? null : Instant.parse(created)));
			}
		}
		return found;
	}

	/**
	 * A record as HubSpot holds it now: its id, the values of the properties asked for (empty ones
	 * left out), and when HubSpot created it (null when the answer did not say).
	 */
	public record Current(String hubspotId, Map<String, String> values, Instant createdAt) {

		public Current(String hubspotId, Map<String, String> values) {
			this(hubspotId, values, null);
		}
	}

	/**
	 * Reads records by HubSpot record id ({@code batch/read}, ≤ 100 per call) with their
	 * creation time; records HubSpot does not hold (or holds archived) are left out.
	 * @return record id → the record
	 * @throws com.clinikobridge.http.ApiUnavailableException when HubSpot keeps answering with
	 * something that is not a batch/read answer
	 */
	public Map<String, Current> readCurrent(String objectType, Collection<String> ids, Collection<String> properties) {
		Map<String, Current> found = new HashMap<>();
		for (JsonNode r : batchRead(objectType, null, new ArrayList<>(ids), new ArrayList<>(properties), true)) {
			found.put(r.path("id").asString(), new Current(r.path("id").asString(), values(r), createdAt(r)));
		}
		return found;
	}

	private static Instant createdAt(JsonNode record) {
		String created = record.path("createdAt").asString(null);
		return created == null ? null : Instant.parse(created);
	}

	/**
	 * Reads records by their unique ID property ({@code batch/read} with {@code idProperty}, ≤ 100
	 * per call); records HubSpot does not hold are left out.
	 * @return unique ID value → the record's id and values
	 * @throws HubSpotException when HubSpot refuses the read
	 */
	public Map<String, Current> readByUniqueId(String objectType, String idProperty, Collection<String> keys,
			Collection<String> properties) {
		List<String> wanted = new ArrayList<>(properties);
		if (!wanted.contains(idProperty)) {
			wanted.add(idProperty);
		}
		Map<String, Current> found = new HashMap<>();
		for (JsonNode r : batchRead(objectType, idProperty, new ArrayList<>(keys), wanted, true)) {
			Map<String, String> values = values(r);
			String key = values.get(idProperty);
			if (key != null) {
				found.put(key, new Current(r.path("id").asString(), values, createdAt(r)));
			}
		}
		return found;
	}

	private static Map<String, String> values(JsonNode record) {
		Map<String, String> values = new HashMap<>();
		for (Map.Entry<String, JsonNode> p : record.path("properties").properties()) {
			if (!p.getValue().isNull() && !p.getValue().asString("").isEmpty()) {
				values.put(p.getKey(), p.getValue().asString());
			}
		}
		return values;
	}

	/**
	 * {@code batch/read} in calls of 100: the records found (a 207 lists the missing ones as
	 * errors). An answer that is not a JSON object with a {@code results} array (an empty 200, a
	 * proxy's HTML page, JSON cut short) is retried and never read as "no results".
	 */
	private List<JsonNode> batchRead(String objectType, String idProperty, List<String> ids, List<String> properties,
			boolean strict) {
		List<JsonNode> results = new ArrayList<>();
		for (List<String> batch : batches(ids, 100)) {
			ObjectNode body = JSON.createObjectNode();
			if (idProperty != null) {
				body.put("idProperty", idProperty);
			}
			ArrayNode props = body.putArray("properties");
			properties.forEach(props::add);
			ArrayNode inputs = body.putArray("inputs");
			batch.forEach(id -> inputs.addObject().put("id", id));
			HttpReply reply = http.send(HttpMethod.POST, paths.batch(objectType, "read"), JSON.writeValueAsString(body),
					HubSpotClient::hasResults);
			if (!reply.ok() && reply.status() != 207) {
				if (strict) {
					throw error(reply);
				}
				continue;
			}
			JSON.readTree(reply.body()).path("results").forEach(results::add);
		}
		return results;
	}

	/** Whether an answer is a JSON object with a {@code results} array, as batch and search answers are. */
	static boolean hasResults(HttpReply reply) {
		try {
			JsonNode body = JSON.readTree(reply.body());
			return body != null && body.isObject() && body.path("results").isArray();
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	private static String firstOf(JsonNode array) {
		return array.isArray() && !array.isEmpty() ? array.get(0).asString() : null;
	}

	/**
	 * Creates records ({@code batch/create}, ≤ 100 per call), for portals without a unique ID
	 * property. Each input carries an {@code objectWriteTraceId} so one bad record is reported
	 * alone (207). Sent once: a batch whose answer is lost (no answer, a 5xx, a 2xx that is not a
	 * batch answer) is not repeated, since its records may exist; its keys come back as
	 * {@code unanswered}, for the caller to look up before creating them again.
	 * @param inputs source key → properties (the properties include the source key property)
	 */
	public Created create(String objectType, String keyProperty, Map<String, Map<String, String>> inputs) {
		UpsertOutcome outcome = new UpsertOutcome(new LinkedHashMap<>(), new LinkedHashMap<>());
		List<String> unanswered = new ArrayList<>();
		List<String> keys = new ArrayList<>(inputs.keySet());
		for (List<String> batch : batches(keys, 100)) {
			HttpReply reply;
			try {
				reply = http.sendOnce(HttpMethod.POST, paths.batch(objectType, "create"), createBody(batch, inputs, null));
			}
			catch (com.clinikobridge.http.ApiUnavailableException ex) {
				unanswered.addAll(batch);
				continue;
			}
			if (reply.ok() && !hasResults(reply)) {
				unanswered.addAll(batch);
				continue;
			}
			if (!reply.ok()) {
				throw error(reply);
			}
			JsonNode result = JSON.readTree(reply.body());
			outcome.written().putAll(created(result, keyProperty, batch));
			for (JsonNode e : result.path("errors")) {
				String key = firstOf(e.path("context").path("objectWriteTraceId"));
				if (key != null && batch.contains(key)) {
					outcome.refused().put(key, e.path("message").asString("refused by HubSpot"));
				}
			}
			for (String key : batch) {
				if (!outcome.written().containsKey(key) && !outcome.refused().containsKey(key)) {
					outcome.refused().put(key, "HubSpot returned no result for this record");
				}
			}
		}
		return new Created(outcome, unanswered);
	}

	/** What {@link #create} did: the records created or refused, and the keys whose answer was lost. */
	public record Created(UpsertOutcome outcome, List<String> unanswered) {
	}

	/**
	 * Finds records whose {@code property} holds one of {@code values} (CRM search), with each
	 * record's creation time. The search index lags writes by seconds to a minute.
	 * @return value → the records found, in id order
	 */
	public Map<String, List<Current>> searchCurrent(String objectType, String property, List<String> values) {
		Map<String, List<Current>> found = new HashMap<>();
		for (List<String> batch : batches(values, 100)) {
			String after = null;
			do {
				ObjectNode body = JSON.createObjectNode().put("limit", 100);
				if (after != null) {
					body.put("after", after);
				}
				body.putArray("properties").add(property);
				ArrayNode filterValues = body.putArray("filterGroups")
					.addObject()
					.putArray("filters")
					.addObject()
					.put("propertyName", property)
					.put("operator", "IN")
					.putArray("values");
				batch.forEach(filterValues::add);
				JsonNode page = search(objectType, body);
				for (JsonNode r : page.path("results")) {
					found.computeIfAbsent(r.path("properties").path(property).asString(""), k -> new ArrayList<>())
						.add(new Current(r.path("id").asString(), values(r), createdAt(r)));
				}
				after = page.path("paging").path("next").path("after").asString(null);
			}
			while (after != null);
		}
		return found;
	}

	/**
	 * Creates records that carry a unique ID property, each with its associations inline
	 * ({@code batch/create}, ≤ 100 per call, HUBSPOT_DEFINED types from the new record): one
	 * request where an upsert and an association pass take two. Safe to repeat: a record that
	 * exists already fails on its unique value instead of being created twice. A batch HubSpot
	 * refuses as a whole (400, 409) and inputs it refuses one by one are left out of the answer,
	 * for the caller to upsert, which names the reason or finds the record.
	 * @param keyProperty the unique ID property each input holds, e.g. {@code cliniko_appointment_id}
	 * @param inputs source key → properties
	 * @param associations source key → associations from that record (fromId unused)
	 * @return the records created, by source key
	 * @throws HubSpotException when HubSpot stays unavailable or answers 401/403
	 */
	public Map<String, Written> createAssociated(String objectType, String keyProperty,
			Map<String, Map<String, String>> inputs, Map<String, List<Association>> associations) {
		Map<String, Written> created = new LinkedHashMap<>();
		eachBatch(batches(new ArrayList<>(inputs.keySet()), 100), batch -> {
			HttpReply reply = http.send(HttpMethod.POST, paths.batch(objectType, "create"),
					createBody(batch, inputs, associations), HubSpotClient::hasResults);
			if (reply.status() == 400 || reply.status() == 409) {
				return Map.<String, Written>of(); // one input spoiled the batch: the caller upserts all of them
			}
			if (!reply.ok()) {
				throw error(reply);
			}
			return created(JSON.readTree(reply.body()), keyProperty, batch);
		}).forEach(created::putAll);
		return created;
	}

	/** A {@code batch/create} body: each input traced by its source key, with its associations if given. */
	private static String createBody(List<String> batch, Map<String, Map<String, String>> inputs,
			Map<String, List<Association>> associations) {
		ObjectNode body = JSON.createObjectNode();
		ArrayNode array = body.putArray("inputs");
		for (String key : batch) {
			ObjectNode input = array.addObject().put("objectWriteTraceId", key);
			ObjectNode props = input.putObject("properties");
			inputs.get(key).forEach(props::put);
			if (associations != null) {
				ArrayNode links = input.putArray("associations");
				for (Association a : associations.getOrDefault(key, List.of())) {
					ObjectNode link = links.addObject();
					link.putObject("to").put("id", a.toId());
					link.putArray("types")
						.addObject()
						.put("associationCategory", "HUBSPOT_DEFINED")
						.put("associationTypeId", a.typeId());
				}
			}
		}
		return JSON.writeValueAsString(body);
	}

	/** The records a {@code batch/create} answer names, by the source key their key property holds. */
	private static Map<String, Written> created(JsonNode result, String keyProperty, List<String> batch) {
		Map<String, Written> created = new LinkedHashMap<>();
		for (JsonNode r : result.path("results")) {
			String key = r.path("properties").path(keyProperty).asString(null);
			if (key != null && batch.contains(key)) {
				created.put(key, new Written(r.path("id").asString(), true, null));
			}
		}
		return created;
	}

	/**
	 * Updates records by HubSpot record id ({@code batch/update}, ≤ 100 per call); safe to repeat.
	 * @param inputs HubSpot id → properties
	 * @return HubSpot's message for each record id it refused
	 */
	public Map<String, String> update(String objectType, Map<String, Map<String, String>> inputs) {
		Map<String, String> refused = new LinkedHashMap<>();
		List<String> ids = new ArrayList<>(inputs.keySet());
		for (List<String> batch : batches(ids, 100)) {
			ObjectNode body = JSON.createObjectNode();
			ArrayNode array = body.putArray("inputs");
			for (String id : batch) {
				ObjectNode props = array.addObject().put("id", id).putObject("properties");
				inputs.get(id).forEach(props::put);
			}
			HttpReply reply = http.send(HttpMethod.POST, paths.batch(objectType, "update"), JSON.writeValueAsString(body),
					HubSpotClient::hasResults);
			if (reply.status() >= 400 && reply.status() < 500 && reply.status() != 429) {
				if (batch.size() == 1) {
					refused.put(batch.get(0), error(reply).getMessage());
					continue;
				}
				// One bad record fails the batch: find it by sending each on its own.
				for (String id : batch) {
					refused.putAll(update(objectType, Map.of(id, inputs.get(id))));
				}
				continue;
			}
			if (!reply.ok()) {
				throw error(reply);
			}
			for (JsonNode e : JSON.readTree(reply.body()).path("errors")) {
				String id = firstOf(e.path("context").path("ids"));
				if (id != null) {
					refused.put(id, e.path("message").asString("refused by HubSpot"));
				}
				else {
					for (String each : batch) {
						refused.putAll(update(objectType, Map.of(each, inputs.get(each))));
					}
					break;
				}
			}
		}
		return refused;
	}

	/**
	 * Finds records whose {@code property} holds one of {@code values} (CRM search, ≤ 100 values
	 * per query). The search index lags new records by a few seconds.
	 * @return value → HubSpot record id
	 */
	public Map<String, String> search(String objectType, String property, List<String> values) {
		Map<String, String> first = new HashMap<>();
		searchAll(objectType, property, values).forEach((value, ids) -> first.put(value, ids.get(0)));
		return first;
	}

	/**
	 * Like {@link #search}, with every record found per value: more than one means duplicates.
	 * @return value → HubSpot record ids, in id order
	 */
	public Map<String, List<String>> searchAll(String objectType, String property, List<String> values) {
		Map<String, List<String>> found = new HashMap<>();
		searchCurrent(objectType, property, values)
			.forEach((value, records) -> found.put(value, records.stream().map(Current::hubspotId).toList()));
		return found;
	}

	/** One association to create: HubSpot record ids and the HUBSPOT_DEFINED type id. */
	public record Association(String fromId, String toId, int typeId) {
	}

	/**
	 * Creates associations with the v4 batch endpoint (≤ 100 per call). Creating an existing
	 * association again is harmless.
	 * @return a message per association HubSpot refused
	 */
	public List<String> associate(String fromType, String toType, List<Association> associations) {
		List<String> refused = new ArrayList<>();
		for (List<Association> batch : batches(associations, 100)) {
			ObjectNode body = JSON.createObjectNode();
			ArrayNode array = body.putArray("inputs");
			for (Association a : batch) {
				ObjectNode input = array.addObject();
				input.putObject("from").put("id", a.fromId());
				input.putObject("to").put("id", a.toId());
				input.putArray("types")
					.addObject()
					.put("associationCategory", "HUBSPOT_DEFINED")
					.put("associationTypeId", a.typeId());
			}
			HttpReply reply = http.send(HttpMethod.POST, paths.associationsBatchCreate(fromType, toType),
					JSON.writeValueAsString(body), HubSpotClient::jsonOrNoContent);
			if (reply.status() >= 400 && reply.status() < 500) {
				// e.g. a record deleted in HubSpot since: report, don't block the run.
				HubSpotException ex = error(reply);
				batch.forEach(a -> refused.add(ex.getMessage()));
				continue;
			}
			if (!reply.ok()) {
				throw error(reply);
			}
			for (JsonNode e : JSON.readTree(reply.body()).path("errors")) {
				refused.add(e.path("message").asString("association refused"));
			}
		}
		return refused;
	}

	/**
	 * The records each record is associated with, of one type, with the association type ids
	 * (v4 {@code batch/read}, ≤ 1,000 per call; a record's further pages are followed by its
	 * {@code paging.next.after} cursor). Records without associations are left out.
	 * @return from record id → associated record id → association type ids
	 */
	public Map<String, Map<String, Set<Integer>>> associated(String fromType, String toType,
			Collection<String> fromIds) {
		Map<String, Map<String, Set<Integer>>> found = new HashMap<>();
		Map<String, String> open = new java.util.LinkedHashMap<>();
		for (String id : fromIds) {
			open.put(id, null);
		}
		while (!open.isEmpty()) {
			Map<String, String> next = new java.util.LinkedHashMap<>();
			for (List<String> batch : batches(new ArrayList<>(open.keySet()), 1000)) {
				ObjectNode body = JSON.createObjectNode();
				ArrayNode inputs = body.putArray("inputs");
				for (String id : batch) {
					ObjectNode input = inputs.addObject().put("id", id);
					if (open.get(id) != null) {
						input.put("after", open.get(id));
					}
				}
				HttpReply reply = http.send(HttpMethod.POST, paths.associationsBatch(fromType, toType, "read"),
						JSON.writeValueAsString(body), HubSpotClient::hasResults);
				if (!reply.ok() && reply.status() != 207) {
					throw error(reply);
				}
				for (JsonNode r : JSON.readTree(reply.body()).path("results")) {
					String from = r.path("from").path("id").asString();
					Map<String, Set<Integer>> to = found.computeIfAbsent(from, k -> new HashMap<>());
					for (JsonNode t : r.path("to")) {
						Set<Integer> types = to.computeIfAbsent(t.path("toObjectId").asString(), k -> new HashSet<>());
						t.path("associationTypes").forEach(type -> types.add(type.path("typeId").asInt()));
					}
					String after = r.path("paging").path("next").path("after").asString(null);
					if (after != null && !after.isEmpty()) {
						next.put(from, after);
					}
				}
			}
			open = next;
		}
		return found;
	}

	/**
	 * Removes associations between pairs of records, ≤ 100 pairs per call: every association
	 * between the pair (v4 {@code batch/archive}), or with {@code onlyType} just that type, e.g.
	 * a label added to records that were already associated ({@code batch/labels/archive}).
	 * Removing associations that are already gone is harmless.
	 * @throws HubSpotException when HubSpot refuses, or reports errors in a 200 (date versions)
	 */
	public void unassociate(String fromType, String toType, List<Association> pairs, boolean onlyType) {
		for (List<Association> batch : batches(pairs, 100)) {
			ObjectNode body = JSON.createObjectNode();
			ArrayNode inputs = body.putArray("inputs");
			for (Association a : batch) {
				ObjectNode input = inputs.addObject();
				input.putObject("from").put("id", a.fromId());
				if (onlyType) {
					input.putObject("to").put("id", a.toId());
					input.putArray("types")
						.addObject()
						.put("associationCategory", "HUBSPOT_DEFINED")
						.put("associationTypeId", a.typeId());
				}
				else {
					input.putArray("to").addObject().put("id", a.toId());
				}
			}
			JsonNode answer = call(HttpMethod.POST,
					paths.associationsBatch(fromType, toType, onlyType ? "labels/archive" : "archive"), body);
			for (JsonNode e : answer.path("errors")) {
				if (!e.path("category").asString("").contains("NOT_FOUND")) {
					throw new HubSpotException(400, e.path("category").asString(null),
							e.path("message").asString("association removal refused"));
				}
			}
		}
	}

	/**
	 * Archives records by HubSpot id ({@code batch/archive}, ≤ 100 per call, 204). Archiving a
	 * record that is already archived is harmless; archived records stay restorable in HubSpot's
	 * UI for 90 days.
	 */
	public void archive(String objectType, Collection<String> ids) {
		for (List<String> batch : batches(new ArrayList<>(ids), 100)) {
			ObjectNode body = JSON.createObjectNode();
			ArrayNode inputs = body.putArray("inputs");
			batch.forEach(id -> inputs.addObject().put("id", id));
			call(HttpMethod.POST, paths.batch(objectType, "archive"), body);
		}
	}

	/**
	 * How many records have a value for a property ({@code HAS_PROPERTY}, or {@code EQ value}
	 * when a value is given), from the CRM search total (one request).
	 */
	public long count(String objectType, String property, String value) {
		ObjectNode body = JSON.createObjectNode().put("limit", 1);
		body.putArray("properties").add(property);
		ObjectNode filter = body.putArray("filterGroups").addObject().putArray("filters").addObject()
			.put("propertyName", property);
		if (value == null) {
			filter.put("operator", "HAS_PROPERTY");
		}
		else {
			filter.put("operator", "EQ").put("value", value);
		}
		return search(objectType, body).path("total").asLong(0);
	}

	/** Deletes (archives) a property; one that is already gone is not an error. */
	public void deleteProperty(String objectType, String name) {
		deleteTolerateMissing(paths.properties(objectType) + "/" + name);
	}

	/** Deletes a property group; one that is already gone is not an error. */
	public void deletePropertyGroup(String objectType, String name) {
		deleteTolerateMissing(paths.propertyGroups(objectType) + "/" + name);
	}

	/**
	 * Deletes a pipeline, asking HubSpot to refuse (400) while records or stages are still in
	 * use; one that is already gone is not an error.
	 * @throws HubSpotException 400 when HubSpot finds the pipeline in use
	 */
	public void deletePipeline(String objectType, String pipelineId) {
		deleteTolerateMissing(paths.pipelines(objectType) + "/" + pipelineId
				+ "?validateReferencesBeforeDelete=true&validateDealStageUsagesBeforeDelete=true");
	}

	private void deleteTolerateMissing(String path) {
		try {
			call(HttpMethod.DELETE, path, null);
		}
		catch (HubSpotException ex) {
			if (ex.status() != 404) {
				throw ex;
			}
		}
	}
}
