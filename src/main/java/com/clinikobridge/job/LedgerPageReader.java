package com.clinikobridge.job;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.ToLongFunction;

import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

/**
 * Reads ledger rows a page at a time, newest first (ids below the last one read), for the
 * rollback steps. Each step marks the rows it has undone in the chunk's transaction and the
 * queries leave marked rows out, so a restart simply reads what is left; the last id is kept
 * in the step's {@link ExecutionContext} under the reader's name only to skip ahead.
 *
 * @param <T> a ledger row type
 */
final class LedgerPageReader<T> implements ItemStreamReader<T> {

	/** One page of rows with ids below {@code beforeId}, newest first. */
	@FunctionalInterface
	interface Page<T> {

		List<T> fetch(long beforeId, int limit);

	}

	private final String name;

	private final Page<T> page;

	private final ToLongFunction<T> id;

	private final Deque<T> buffer = new ArrayDeque<>();

	private long lastRead = Long.MAX_VALUE;

	private boolean exhausted;

	LedgerPageReader(String name, Page<T> page, ToLongFunction<T> id) {
		this.name = name;
		this.page = page;
		this.id = id;
	}

	@Override
	public void open(ExecutionContext context) {
		lastRead = context.getLong(name + ".before", Long.MAX_VALUE);
		buffer.clear();
		exhausted = false;
	}

	@Override
	public T read() {
		if (buffer.isEmpty() && !exhausted) {
			List<T> rows = page.fetch(lastRead, MigrationJobConfiguration.CHUNK_SIZE);
			buffer.addAll(rows);
			exhausted = rows.size() < MigrationJobConfiguration.CHUNK_SIZE;
		}
		T next = buffer.poll();
		if (next != null) {
			lastRead = id.applyAsLong(next);
		}
		return next;
	}

	@Override
	public void update(ExecutionContext context) {
		// Called as the chunk commits: every row read so far has been undone and marked.
		context.putLong(name + ".before", lastRead);
	}
}
