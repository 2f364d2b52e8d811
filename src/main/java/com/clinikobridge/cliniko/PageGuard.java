package com.clinikobridge.cliniko;

import java.util.HashSet;
import java.util.Set;

import com.clinikobridge.http.ApiUnavailableException;

/**
 * Keeps a walk through a Cliniko list ({@code links.next}) from going on for ever: a next link to
 * a page already read, or more records than the list's {@code total_entries} plus a margin (10%
 * and 100 records), fails the walk naming the endpoint. The walk's run fails restartable (exit 1).
 */
final class PageGuard {

	private final String endpoint;

	private final Set<String> visited = new HashSet<>();

	private long received;

	private long total = -1;

	/** @param endpoint the list's path without query, for the message, e.g. {@code /patients} */
	PageGuard(String endpoint) {
		this.endpoint = endpoint;
	}

	/** A guard that counts {@code alreadyReceived} records as read (a restarted walk). */
	PageGuard(String endpoint, long alreadyReceived) {
		this(endpoint);
		this.received = alreadyReceived;
	}

	/**
	 * Notes that a page is about to be read.
	 * @param page the page as a path relative to the API's base URL
	 * @throws PaginationException when this walk read that page already
	 */
	void visit(String page) {
		if (!visited.add(page)) {
			throw new PaginationException("Cliniko list " + endpoint + " does not end: links.next points back to a"
					+ " page already read, after " + received + " record(s); stopped so as not to read it for ever");
		}
	}

	/**
	 * Counts the records of a page read.
	 * @param totalEntries the page's {@code total_entries}, negative when the page has none
	 * @throws PaginationException when the walk has now received more records than the list holds
	 */
	void received(long records, long totalEntries) {
		received += records;
		if (totalEntries < 0 && total < 0) {
			return;
		}
		total = Math.max(total, totalEntries);
		long limit = limit();
		if (received > limit) {
			throw new PaginationException("Cliniko list " + endpoint + " does not end: " + received
					+ " records read where its total_entries is " + total + " (at most " + limit
					+ " expected); stopped so as not to read it for ever");
		}
	}

	/** Whether this walk read that page (a relative path) already. */
	boolean visited(String page) {
		return visited.contains(page);
	}

	/** How many records were counted so far. */
	long received() {
		return received;
	}

	private long limit() {
		return total + total / 10 + 100;
	}

	/** A list's pagination does not end; the run stops restartable. */
	static final class PaginationException extends ApiUnavailableException {

		PaginationException(String message) {
			super(message);
		}
	}
}
