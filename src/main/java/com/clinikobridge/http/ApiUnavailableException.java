package com.clinikobridge.http;

/**
 * An API stayed unreachable, failing or throttled beyond the retry budget. The step fails, the
 * run ends with exit code 1 and can be restarted.
 */
public class ApiUnavailableException extends RuntimeException {

	public ApiUnavailableException(String message) {
		super(message);
	}

	public ApiUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}
}
