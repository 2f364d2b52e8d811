package com.clinikobridge.cliniko;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

import com.clinikobridge.http.ApiStats;
import com.clinikobridge.http.ApiUnavailableException;
import com.clinikobridge.http.HttpReply;
import com.clinikobridge.http.RateLimit;
import com.clinikobridge.http.ResilientHttp;
import com.clinikobridge.http.RetryBudget;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpMethod;

/**
 * Read-only client of the Cliniko REST API (Cliniko 2025 OpenAPI; DIGEST §1–2): HTTP Basic
 * with the API key as user name and an empty password, a {@code Name (email)} User-Agent, JSON
 * only. Paced at 200 requests per minute by default; a 429 waits until
 * {@code X-RateLimit-Reset} (epoch seconds); 5xx and timeouts back off and retry.
 */
public final class ClinikoClient {

	private static final Pattern SHARD = Pattern.compile("^\\w{2}\\d{1,2}$");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final ResilientHttp http;

	private final String basePath;

	/**
	 * @param apiKey the Cliniko API key (never logged)
	 * @param baseUrl {@code https://api.<shard>.cliniko.com/v1} or an override
	 */
	public ClinikoClient(String apiKey, String baseUrl, String userAgent, RateLimit rateLimit, RetryBudget budget,
			Duration timeout) {
		this.basePath = java.net.URI.create(baseUrl).getPath().replaceAll("/+$", "");
		String basic = Base64.getEncoder().encodeToString((apiKey + ":").getBytes(StandardCharsets.UTF_8));
		this.http = new ResilientHttp("Cliniko", baseUrl, b -> b.defaultHeader("Authorization", "Basic " + basic)
			.defaultHeader("User-Agent", userAgent), rateLimit, budget, ClinikoClient::waitForReset, timeout,
				ClinikoClient::isJsonObject);
	}

	/**
	 * Whether an answer's body is a JSON object, as every Cliniko answer (a page, a record, an
	 * error) is. Anything else (a proxy's HTML page, an empty body, JSON cut short) is retried as
	 * an infrastructure fault, whatever its status, and never read as Cliniko's answer.
	 */
	static boolean isJsonObject(HttpReply reply) {
		try {
			JsonNode body = JSON.readTree(reply.body());
			return body != null && body.isObject();
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	/**
	 * The API base URL for a key: the shard is the suffix after the key's last {@code -}
	 * ({@code au1} when there is none).
	 * @throws IllegalArgumentException when the suffix is not a shard name like {@code au2}
	 */
	public static String baseUrlForKey(String apiKey) {
		int dash = apiKey.lastIndexOf('-');
		String shard = dash < 0 ? "au1" : apiKey.substring(dash + 1);
		if (!SHARD.matcher(shard).matches()) {
			throw new IllegalArgumentException("the API key's shard suffix '-" + shard
					+ "' is not a Cliniko shard (expected e.g. -au1, -uk2)");
		}
		return "https://api." + shard + ".cliniko.com/v1";
	}

	static Optional<Duration> waitForReset(HttpReply reply) {
		String reset = reply.header("X-RateLimit-Reset");
		if (reset != null) {
			try {
				long epochSeconds = Long.parseLong(reset.trim());
				Duration wait = Duration.between(Instant.now(), Instant.ofEpochSecond(epochSeconds));
				return Optional.of(wait.isNegative() ? Duration.ofMillis(50) : wait.plusMillis(50));
			}
			catch (NumberFormatException ex) {
				// fall through to a default wait
			}
		}
		return Optional.of(Duration.ofSeconds(5));
	}

	/**
	 * GETs a path (relative to the base URL) or an absolute URL such as {@code links.next}.
	 * @throws ApiUnavailableException when Cliniko keeps failing, or answers 4xx
	 */
	public JsonNode get(String pathOrUrl) {
		// Links are followed on our own host only, so the key never goes anywhere else.
		HttpReply reply = http.send(HttpMethod.GET, relative(pathOrUrl), null, ClinikoClient::isJsonObject);
		if (!reply.ok()) {
			String hint = switch (reply.status()) {
				case 401 -> " (check CLINIKO_API_KEY)";
				case 403 -> " (check the key's permissions and CLINIKO_USER_AGENT)";
				default -> "";
			};
			throw new ClinikoRefusedException(reply.status(), "Cliniko answered " + reply.status() + " to GET "
					+ pathOrUrl.replaceFirst("^https?://[^/]+", "").replaceFirst("\\?.*$", "") + hint);
		}
		return JSON.readTree(reply.body());
	}

	/**
	 * A path or URL of this API as a path relative to the base URL, e.g. {@code /patients?page=2}
	 * for {@code https://api.au1.cliniko.com/v1/patients?page=2}: the same page, however given.
	 */
	String relative(String pathOrUrl) {
		String relative = pathOrUrl.startsWith("http") ? pathOrUrl.replaceFirst("^https?://[^/]+", "") : pathOrUrl;
		if (pathOrUrl.startsWith("http") && relative.startsWith(basePath)) {
			relative = relative.substring(basePath.length());
		}
		return relative;
	}

	/** The endpoint of a path or URL, without host, base path and query, e.g. {@code /patients}. */
	String endpoint(String pathOrUrl) {
		return relative(pathOrUrl).replaceFirst("\\?.*$", "");
	}

	/**
	 * Walks a whole list ({@code links.next}) and hands each record of the {@code key} array to
	 * the consumer. An optional list the account or key lacks (404 or 403 on its first page) is
	 * read as empty: its key goes into {@code unavailable}, with a warning.
	 */
	public void eachOptional(String firstPage, String key, java.util.Set<String> unavailable,
			java.util.function.Consumer<JsonNode> consumer) {
		String next = firstPage;
		PageGuard guard = new PageGuard(endpoint(firstPage));
		while (next != null) {
			guard.visit(relative(next));
			JsonNode page;
			try {
				page = get(next);
			}
			catch (ClinikoRefusedException ex) {
				if (next.equals(firstPage) && (ex.status() == 404 || ex.status() == 403)) {
					org.slf4j.LoggerFactory.getLogger(ClinikoClient.class)
						.warn("Cliniko has no {} list for this key ({}); carrying on without it", key, ex.status());
					unavailable.add(key);
					return;
				}
				throw ex;
			}
			guard.received(page.path(key).size(), page.path("total_entries").asLong(-1));
			page.path(key).forEach(consumer);
			next = ClinikoJson.text(page.path("links"), "next");
		}
	}

	/** Cliniko refused a request (4xx after retries of what is retryable); the status is kept. */
	public static class ClinikoRefusedException extends ApiUnavailableException {

		private final int status;

		ClinikoRefusedException(int status, String message) {
			super(message);
			this.status = status;
		}

		public int status() {
			return status;
		}
	}

	public ApiStats stats() {
		return http.stats();
	}
}
