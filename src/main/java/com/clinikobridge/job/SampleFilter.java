package com.clinikobridge.job;

import java.util.function.Predicate;

import com.clinikobridge.cliniko.SourceItem;
import com.clinikobridge.hubspot.HubSpotRecord;

import org.springframework.batch.infrastructure.item.ItemProcessor;

/**
 * In a sample run, lets through only the records that belong to the sample; the others are
 * filtered (returned as null), so they are neither written nor counted.
 */
final class SampleFilter<T> implements ItemProcessor<SourceItem<T>, HubSpotRecord> {

	private final Predicate<T> inSample;

	private final ItemProcessor<SourceItem<T>, HubSpotRecord> delegate;

	SampleFilter(Predicate<T> inSample, ItemProcessor<SourceItem<T>, HubSpotRecord> delegate) {
		this.inSample = inSample;
		this.delegate = delegate;
	}

	@Override
	public HubSpotRecord process(SourceItem<T> item) throws Exception {
		if (item.isRejected() || !inSample.test(item.record())) {
			return null;
		}
		return delegate.process(item);
	}
}
