package com.clinikobridge.cliniko;

import java.util.List;

import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

/**
 * Reads several restartable readers one after the other (billable items, then products). Each
 * keeps its own restart state under its own name; this one adds which reader is current, under
 * {@code <name>.current}.
 */
public final class SequentialReader<T> implements ItemStreamReader<T> {

	private final String name;

	private final List<? extends ItemStreamReader<T>> readers;

	private int current;

	public SequentialReader(String name, List<? extends ItemStreamReader<T>> readers) {
		this.name = name;
		this.readers = readers;
	}

	@Override
	public void open(ExecutionContext context) {
		current = context.getInt(name + ".current", 0);
		readers.forEach(r -> r.open(context));
	}

	@Override
	public T read() throws Exception {
		while (current < readers.size()) {
			T item = readers.get(current).read();
			if (item != null) {
				return item;
			}
			current++;
		}
		return null;
	}

	@Override
	public void update(ExecutionContext context) {
		readers.forEach(r -> r.update(context));
		context.putInt(name + ".current", current);
	}

	@Override
	public void close() {
		readers.forEach(ItemStreamReader::close);
	}
}
