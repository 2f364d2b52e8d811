package com.clinikobridge.mapping;

import java.util.List;

import com.clinikobridge.cliniko.ClinikoCatalogItem;
import com.clinikobridge.cliniko.SourceItem;
import com.clinikobridge.hubspot.HubSpotRecord;

import org.springframework.batch.infrastructure.item.ItemProcessor;

/**
 * Cliniko billable item or product → HubSpot product (MAPPING.md, Billable items / products →
 * products), keyed by {@code cliniko_item_key} ({@code billable_item:<id>} / {@code product:<id>}).
 */
public final class ProductProcessor implements ItemProcessor<SourceItem<ClinikoCatalogItem>, HubSpotRecord> {

	private final MappingContext context;

	public ProductProcessor(MappingContext context) {
		this.context = context;
	}

	@Override
	public HubSpotRecord process(SourceItem<ClinikoCatalogItem> item) {
		ObjectMapping m = ObjectMapping.PRODUCTS;
		if (item.isRejected()) {
			return HubSpotRecord.rejected(m.hubspotType(), m.clinikoName(), item.clinikoId(), item.sourceRef(),
					item.field(), item.reason());
		}
		ClinikoCatalogItem c = item.record();
		Props props = new Props(context.mapping(), m).raw(m.idProperty(), c.key())
			.put("name", c.name())
			.put("price", c.price())
			.put("item_code", c.itemCode())
			.put("notes", c.description());
		return HubSpotRecord.of(m.hubspotType(), m.clinikoName(), c.key(), item.sourceRef(), m.idProperty(),
				props.build(), props.sources(), List.of(), List.of());
	}
}
