package com.clinikobridge.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * Sends requests to one API through Spring's {@link RestClient}, paced by a shared
 * {@link RateLimit}, and retries what is worth retrying: 429 after the wait the API asks for
 * (decided by the API-specific {@code throttleWait}), 408, 423, 477 and 5xx answers and I/O
 * errors with exponential backoff. An answer whose body is not the API's own (a proxy's HTML
 * page, an empty body, JSON cut short) is an infrastructure fault whatever its status: retried
 * the same way, never handed to the caller as the API's verdict on the request. Other answers
 * are returned to the caller as they are. Logs carry the API name, method, path, status and attempt only: never bodies or credentials.
 */
public final class ResilientHttp {

	private static final Logger log = LoggerFactory.getLogger(ResilientHttp.class);

	private final String api;

	private final RestClient client;

	private final String baseUrl;

	private final RateLimit rateLimit;

	private final RetryBudget budget;

	private final Function<HttpReply, Optional<Duration>> throttleWait;

	private final ApiStats stats = new ApiStats();

	private final Predicate<HttpReply> apiError;

	/**
	 * @param api a name for logs and errors ("Cliniko", "HubSpot")
	 * @param baseUrl base URL that relative paths are resolved against
	 * @param configurer adds default headers (auth, user agent) to the builder
	 * @param throttleWait for a 429 answer: how long to wait before retrying, or empty to give up
	 */
	public ResilientHttp(String api, String baseUrl, java.util.function.Consumer<RestClient.Builder> configurer,
			RateLimit rateLimit, RetryBudget budget, Function<HttpReply, Optional<Duration>> throttleWait,
			Duration timeout) {
		this(api, baseUrl, configurer, rateLimit, budget, throttleWait, timeout, reply -> true);
	}

	/**
	 * @param apiError whether a 3xx or 4xx answer (other than 429) is the API's own error, e.g. a JSON
	 * error object; one that is not (a proxy's page, an empty or cut-short body) is retried like a
	 * 5xx and, when the budget is spent, fails the request naming the endpoint
	 */
	public ResilientHttp(String api, String baseUrl, java.util.function.Consumer<RestClient.Builder> configurer,
			RateLimit rateLimit, RetryBudget budget, Function<HttpReply, Optional<Duration>> throttleWait,
			Duration timeout, Predicate<HttpReply> apiError) {
		this.apiError = apiError;
		this.api = api;
		this.baseUrl = baseUrl.replaceAll("/+$", "");
		JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(
				HttpClient.newBuilder().connectTimeout(timeout).build());
		factory.setReadTimeout(timeout);
		RestClient.Builder builder = RestClient.builder()
			.requestFactory(factory)
			.defaultHeader("Accept", MediaType.APPLICATION_JSON_VALUE);
		configurer.accept(builder);
		this.client = builder.build();
		this.rateLimit = rateLimit;
		this.budget = budget;
		this.throttleWait = throttleWait;
	}

	public ApiStats stats() {
		return stats;
	}

	/**
	 * Sends a request and returns the first answer that is not retried.
	 * @param pathOrUrl a path relative to the base URL, or an absolute URL (e.g. a next-page link)
	 * @param jsonBody request body, or null
	 * @throws ApiUnavailableException when the retry budget is spent or a 429 is not to be retried
	 */
	public HttpReply send(HttpMethod method, String pathOrUrl, String jsonBody) {
		return send(method, pathOrUrl, jsonBody, true, null);
	}

	/**
	 * Like {@link #send(HttpMethod, String, String)}, and a 2xx answer whose body
	 * {@code wellFormed} refuses (empty, HTML from a proxy, cut short) is retried like a 5xx: it
	 * says nothing about the request, so it is never taken as an empty result.
	 * @throws ApiUnavailableException when the retry budget is spent, naming the malformed answer
	 */
	public HttpReply send(HttpMethod method, String pathOrUrl, String jsonBody, Predicate<HttpReply> wellFormed) {
		return send(method, pathOrUrl, jsonBody, true, wellFormed);
	}

	/**
	 * Sends a request that must not be repeated once the server may have acted on it (a create
	 * without a unique key): only 429 and 423 answers, which say nothing was done, are retried.
	 * @throws ApiUnavailableException on an I/O error, a timeout or a 5xx answer
	 */
	public HttpReply sendOnce(HttpMethod method, String pathOrUrl, String jsonBody) {
		return send(method, pathOrUrl, jsonBody, false, null);
	}

	private HttpReply send(HttpMethod method, String pathOrUrl, String jsonBody, boolean idempotent,
			Predicate<HttpReply> wellFormed) {
		String path = pathOrUrl.startsWith("http") ? URI.create(pathOrUrl).getPath() : pathOrUrl;
		for (int attempt = 1;; attempt++) {
			rateLimit.acquire();
			stats.request();
			HttpReply reply;
			Duration wait;
			String problem;
			try {
				reply = exchange(method, pathOrUrl, jsonBody);
			}
			catch (ResourceAccessException ex) {
				reply = null;
			}
			if (reply != null) {
				stats.daily(reply.header("X-HubSpot-RateLimit-Daily"), reply.header("X-HubSpot-RateLimit-Daily-Remaining"));
			}
			boolean foreign = reply != null && !reply.ok() && reply.status() != 429 && reply.status() < 500
					&& !apiError.test(reply);
			if (!idempotent && (reply == null || reply.status() >= 500 || foreign)) {
				throw new ApiUnavailableException(api + " " + method + " " + path + " got "
						+ (reply == null ? "no answer" : reply.status() + (foreign ? " that is not a " + api + " answer" : ""))
						+ "; not repeated, since it may have been carried out");
			}
			if (reply == null) {
				problem = "I/O error or timeout";
				wait = budget.backoff(attempt);
			}
			else if (reply.status() == 429) {
				stats.throttle();
				Optional<Duration> asked = throttleWait.apply(reply);
				if (asked.isEmpty()) {
					throw new ApiUnavailableException(api + " refused " + method + " " + path
							+ " with 429 and no retry is possible (" + reply.status() + ")");
				}
				problem = "429";
				wait = asked.get().compareTo(budget.maxThrottleWait()) > 0 ? budget.maxThrottleWait() : asked.get();
			}
			else if (reply.status() >= 500 || reply.status() == 408 || reply.status() == 423
					|| reply.status() == 477) {
				problem = String.valueOf(reply.status());
				wait = budget.backoff(attempt);
			}
			else if (foreign) {
				problem = reply.status() + " with a body that is not a " + api + " answer (a proxy's page?)";
				wait = budget.backoff(attempt);
			}
			else if (reply.ok() && wellFormed != null && !wellFormed.test(reply)) {
				problem = reply.status() + " with a body that is not a well-formed " + api + " answer";
				wait = budget.backoff(attempt);
			}
			else {
				return reply;
			}
			if (attempt >= budget.maxAttempts()) {
				throw new ApiUnavailableException(api + " " + method + " " + path + " failed after " + attempt
						+ " attempts (last: " + problem + ")");
			}
			stats.retry();
			log.debug("{} {} {} answered {}; retry {} in {} ms", api, method, path, problem, attempt,
					wait.toMillis());
			sleep(wait);
		}
	}

	private HttpReply exchange(HttpMethod method, String pathOrUrl, String jsonBody) {
		// Build the URI as given: a template would encode %5B (q[] filters) a second time.
		URI uri = URI.create(pathOrUrl.startsWith("http") ? pathOrUrl : baseUrl + pathOrUrl);
		RestClient.RequestBodySpec spec = client.method(method).uri(uri);
		if (jsonBody != null) {
			spec = spec.contentType(MediaType.APPLICATION_JSON).body(jsonBody);
		}
		return spec.exchange((request, response) -> {
			byte[] bytes = response.getBody().readAllBytes();
			return new HttpReply(response.getStatusCode().value(), response.getHeaders(),
					new String(bytes, StandardCharsets.UTF_8));
		}, true);
	}

	private static void sleep(Duration wait) {
		try {
			Thread.sleep(Math.max(0, wait.toMillis()));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ApiUnavailableException("Interrupted while backing off", ex);
		}
	}
}
