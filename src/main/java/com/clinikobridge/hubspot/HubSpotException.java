package com.clinikobridge.hubspot;

/**
 * HubSpot refused a request that is not retried (4xx other than 429), with its parsed error:
 * HTTP status, {@code category} and {@code message} (HubSpot DIGEST §3). The message never
 * contains the token.
 */
public class HubSpotException extends RuntimeException {

	private final int status;

	private final String category;

	public HubSpotException(int status, String category, String message) {
		super("HubSpot " + status + (category == null ? "" : " " + category) + ": " + message);
		this.status = status;
		this.category = category;
	}

	/**
	 * The error without HubSpot's message, which can quote record values: for the console and
	 * logs. The full message goes to rejected.csv only.
	 */
	public String withoutValues() {
		return "HubSpot " + status + (category == null ? "" : " " + category);
	}

	public int status() {
		return status;
	}

	public String category() {
		return category;
	}
}
