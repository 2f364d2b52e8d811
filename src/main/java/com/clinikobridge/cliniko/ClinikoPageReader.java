package com.clinikobridge.cliniko;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

import tools.jackson.databind.JsonNode;

import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

/**
 * Restartable reader of one Cliniko list endpoint (DIGEST §2): {@code per_page=100}, following
 * {@code links.next} as given. The restart state is the URL of the page being read and the
 * position in it, kept under {@code <name>.page} and {@code <name>.index}; a restart fetches
 * that page again and carries on after the last committed record, so nothing is read twice.
 * A record whose values cannot be read becomes a rejected {@link SourceItem} with its id. The
 * next page is read in the background while the current one is written. A list whose pagination
 * does not end (a next link back to a page read, far more records than {@code total_entries})
 * fails the read naming the endpoint ({@link PageGuard}).
 */
public class ClinikoPageReader<T> implements ItemStreamReader<SourceItem<T>> {

	private final String name;

	private final ClinikoClient client;

	private final String firstPage;

	private final String arrayKey;

	private final Function<JsonNode, T> converter;

	private String currentPage;

	private String nextPage;

	private List<JsonNode> records = List.of();

	private int index;

	private boolean started;

	private boolean unavailable;

	private PageGuard guard;

	/** Records of the list received before the current page (restart state {@code <name>.before}). */
	private long before;

	/** Whether the list may be missing from an account (issue-3 objects); core lists must answer. */
	private boolean optional;

	/** The next page, being read in the background (one at a time per reader). */
	private CompletableFuture<JsonNode> prefetch;

	private String prefetchUrl;

	private static final ExecutorService PREFETCH = Executors.newCachedThreadPool(r -> {
		Thread t = new Thread(r, "cliniko-prefetch");
		t.setDaemon(true);
		return t;
	});

	private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ClinikoPageReader.class);

	/**
	 * @param firstPage path and query of the first page, e.g. {@code /patients?per_page=100&sort=id}
	 * @param arrayKey the envelope's array name, e.g. {@code patients}
	 */
	public ClinikoPageReader(String name, ClinikoClient client, String firstPage, String arrayKey,
			Function<JsonNode, T> converter) {

		this.name = name;
		this.client = client;
		this.firstPage = firstPage;
		this.arrayKey = arrayKey;
		this.converter = converter;
	}

	@Override
	public void open(ExecutionContext context) {
		String savedPage = context.getString(name + ".page", null);
		if (savedPage != null) {
			guard = new PageGuard(client.endpoint(firstPage), context.getLong(name + ".before", 0L));
			load(savedPage);
			index = Math.min(context.getInt(name + ".index", 0), records.size());
			started = true;
		}
	}

	@Override
	public SourceItem<T> read() {
		if (!started) {
			load(firstPage);
			started = true;
		}
		while (index >= records.size()) {
			if (nextPage == null) {
				return null;
			}
			load(nextPage);
		}
		JsonNode node = records.get(index++);
		String id = ClinikoJson.text(node, "id");
		String ref = arrayKey + "/" + (id == null ? "?" : id);
		try {
			return SourceItem.of(ref, id, converter.apply(node));
		}
		catch (ClinikoValueException ex) {
			return SourceItem.rejected(ref, id, ex.field(), ex.getMessage());
		}
	}

	private void load(String page) {
		if (guard == null) {
			guard = new PageGuard(client.endpoint(firstPage));
		}
		guard.visit(client.relative(page));
		JsonNode body;
		try {
			body = fetch(page);
		}
		catch (ClinikoClient.ClinikoRefusedException ex) {
			if (ex.status() == 400 && page.contains("&sort=id")) {
				// An API that does not know sort=id: read in its default order (created_at) instead.
				page = page.replace("&sort=id", "");
				body = client.get(page);
			}
			else if (optional && (ex.status() == 404 || ex.status() == 403) && page.equals(firstPage)) {
				// The account (or its key's permissions) has no such list: nothing to read, and say so.
				log.warn("Cliniko has no {} list for this key ({}); nothing read", arrayKey, ex.status());
				unavailable = true;
				currentPage = null;
				records = List.of();
				index = 0;
				nextPage = null;
				return;
			}
			else {
				throw ex;
			}
		}
		List<JsonNode> list = new ArrayList<>();
		body.path(arrayKey).forEach(list::add);
		before = guard.received();
		guard.received(list.size(), body.path("total_entries").asLong(-1));
		currentPage = page;
		records = list;
		index = 0;
		nextPage = ClinikoJson.text(body.path("links"), "next");
		if (nextPage != null && !guard.visited(client.relative(nextPage))) {
			// Read the next page while this one is mapped and written: the two APIs' waits overlap.
			String url = nextPage;
			prefetchUrl = url;
			prefetch = CompletableFuture.supplyAsync(() -> client.get(url), PREFETCH);
		}
	}

	private JsonNode fetch(String page) {
		CompletableFuture<JsonNode> ahead = prefetch;
		prefetch = null;
		if (ahead != null && page.equals(prefetchUrl)) {
			try {
				return ahead.join();
			}
			catch (CompletionException ex) {
				if (ex.getCause() instanceof RuntimeException cause) {
					throw cause;
				}
				throw ex;
			}
		}
		if (ahead != null) {
			ahead.cancel(true);
		}
		return client.get(page);
	}

	@Override
	public void close() {
		if (prefetch != null) {
			prefetch.cancel(true);
			prefetch = null;
		}
	}

	/**
	 * The same list narrowed by Cliniko filters (ANDed), read under another name so its restart
	 * state is its own, e.g. {@code where("appointments.window.api", "starts_at:>=2026-11-14T00:00:00Z")}.
	 * @param filters {@code field:<operator><value>} (DIGEST §3); {@code <} and {@code >} are encoded here
	 */
	public ClinikoPageReader<T> where(String readerName, String... filters) {
		StringBuilder page = new StringBuilder(firstPage);
		for (String filter : filters) {
			page.append("&q%5B%5D=").append(filter.replace(">", "%3E").replace("<", "%3C").replace("+", "%2B"));
		}
		ClinikoPageReader<T> narrowed = new ClinikoPageReader<>(readerName, client, page.toString(), arrayKey, converter);
		narrowed.optional = optional;
		return narrowed;
	}

	/** What changed in a list since a time: the newest {@code updated_at} and how many records. */
	public record Delta(java.time.Instant newest, long changed) {
	}

	/**
	 * One request: the list sorted by {@code updated_at} descending, one record a page, with
	 * {@code updated_at} after {@code since} (everything when null). Its first record's
	 * {@code updated_at} is the list's newest change and {@code total_entries} the count. An
	 * optional list the account lacks has no delta.
	 */
	public Delta delta(java.time.Instant since) {
		String page = firstPage.replace("per_page=100", "per_page=1").replace("&sort=id", "") + "&sort=updated_at:desc"
				+ (since == null ? "" : "&q%5B%5D=updated_at:%3E" + since);
		JsonNode body;
		try {
			body = client.get(page);
		}
		catch (ClinikoClient.ClinikoRefusedException ex) {
			if (optional && (ex.status() == 404 || ex.status() == 403)) {
				return new Delta(null, 0);
			}
			throw ex;
		}
		JsonNode first = body.path(arrayKey).path(0);
		String updated = ClinikoJson.text(first, "updated_at");
		return new Delta(updated == null ? null : java.time.Instant.parse(updated), body.path("total_entries").asLong(0));
	}

	/** Marks the list as one an account may lack: a 404 or 403 on its first page reads nothing. */
	ClinikoPageReader<T> optional() {
		this.optional = true;
		return this;
	}

	@Override
	public void update(ExecutionContext context) {
		if (unavailable) {
			context.putString("unavailable." + arrayKey, arrayKey);
		}
		if (currentPage != null) {
			context.putString(name + ".page", currentPage);
			context.putInt(name + ".index", index);
			context.putLong(name + ".before", before);
		}
	}

	/** Reader of {@code /patients}, archived included, in id order (so the lowest id claims a shared email first). */
	public static ClinikoPageReader<ClinikoPatient> patients(ClinikoClient client, PatientDetails details) {
		return new ClinikoPageReader<>("patients.api", client,
				"/patients?per_page=100&sort=id&q%5B%5D=archived_at:*", "patients",
				node -> ClinikoJson.patient(node, details));
	}

	/** Reader of {@code /contacts} (referring doctors, payers, standard contacts), archived included. */
	public static ClinikoPageReader<ClinikoContact> contacts(ClinikoClient client) {
		return new ClinikoPageReader<>("contacts.api", client, "/contacts?per_page=100&q%5B%5D=archived_at:*",
				"contacts", ClinikoJson::contact).optional();
	}

	/** Reader of {@code /billable_items}, archived included. */
	public static ClinikoPageReader<ClinikoCatalogItem> billableItems(ClinikoClient client) {
		return new ClinikoPageReader<>("billableItems.api", client,
				"/billable_items?per_page=100&q%5B%5D=archived_at:*", "billable_items", ClinikoJson::billableItem).optional();
	}

	/** Reader of {@code /products}, archived included. */
	public static ClinikoPageReader<ClinikoCatalogItem> products(ClinikoClient client) {
		return new ClinikoPageReader<>("products.api", client, "/products?per_page=100&q%5B%5D=archived_at:*",
				"products", ClinikoJson::product).optional();
	}

	/** Reader of {@code /treatment_notes}, archived included. */
	public static ClinikoPageReader<ClinikoTreatmentNote> treatmentNotes(ClinikoClient client) {
		return new ClinikoPageReader<>("treatmentNotes.api", client,
				"/treatment_notes?per_page=100&q%5B%5D=archived_at:*", "treatment_notes", ClinikoJson::treatmentNote).optional();
	}

	/** Reader of {@code /invoice_items}, archived included. */
	public static ClinikoPageReader<ClinikoInvoiceItem> invoiceItems(ClinikoClient client) {
		return new ClinikoPageReader<>("invoiceItems.api", client,
				"/invoice_items?per_page=100&q%5B%5D=archived_at:*", "invoice_items", ClinikoJson::invoiceItem).optional();
	}

	/** Reader of {@code /individual_appointments}, cancelled and archived included. */
	public static ClinikoPageReader<ClinikoAppointment> appointments(ClinikoClient client, ClinikoDirectory directory) {
		return new ClinikoPageReader<>("appointments.api", client,
				"/individual_appointments?per_page=100&q%5B%5D=cancelled_at:*&q%5B%5D=archived_at:*",
				"individual_appointments", node -> ClinikoJson.appointment(node, directory));
	}

	/** Reader of {@code /invoices}, archived included. */
	public static ClinikoPageReader<ClinikoInvoice> invoices(ClinikoClient client) {
		return new ClinikoPageReader<>("invoices.api", client, "/invoices?per_page=100&q%5B%5D=archived_at:*",
				"invoices", ClinikoJson::invoice);
	}
}
