package com.clinikobridge.mapping;

import java.util.List;

import com.clinikobridge.cliniko.ClinikoInvoiceItem;
import com.clinikobridge.cliniko.SourceItem;
import com.clinikobridge.hubspot.HubSpotRecord;
import com.clinikobridge.hubspot.HubSpotRecord.AssociationIntent;
import com.clinikobridge.hubspot.HubSpotRecord.Reference;

import org.springframework.batch.infrastructure.item.ItemProcessor;

/**
 * Cliniko invoice item → HubSpot line item (MAPPING.md, Invoice items → line items): name,
 * quantity, price = unit price, {@code hs_product_id} = the product migrated from its billable
 * item or product when there is one, tax rate and discount; associated to the invoice's deal
 * (type 20, line item → deal).
 */
public final class InvoiceItemProcessor implements ItemProcessor<SourceItem<ClinikoInvoiceItem>, HubSpotRecord> {

	static final int LINE_ITEM_TO_DEAL = 20;

	private final MappingContext context;

	public InvoiceItemProcessor(MappingContext context) {
		this.context = context;
	}

	@Override
	public HubSpotRecord process(SourceItem<ClinikoInvoiceItem> item) {
		ObjectMapping m = ObjectMapping.INVOICE_ITEMS;
		if (item.isRejected()) {
			return HubSpotRecord.rejected(m.hubspotType(), m.clinikoName(), item.clinikoId(), item.sourceRef(),
					item.field(), item.reason());
		}
		ClinikoInvoiceItem i = item.record();
		String key = Long.toString(i.id());
		if (i.invoiceId() == null) {
			return HubSpotRecord.rejected(m.hubspotType(), m.clinikoName(), key, item.sourceRef(), "invoice",
					"invoice item has no invoice");
		}
		if (i.unitPrice() != null && i.unitPrice().signum() < 0) {
			return HubSpotRecord.rejected(m.hubspotType(), m.clinikoName(), key, item.sourceRef(), "unit_price",
					"negative unit price: HubSpot line item prices must not be negative");
		}
		Props props = new Props(context.mapping(), m).raw(m.idProperty(), key)
			.put("name", i.name())
			.put("quantity", i.quantity())
			.put("unit_price", i.unitPrice())
			.put("tax_rate", i.taxRate())
			.put("discount_percentage", i.discountPercentage());
		List<Reference> references = i.catalogKey() == null ? List.of()
				: List.of(new Reference("hs_product_id", "products", i.catalogKey()));
		return HubSpotRecord.of(m.hubspotType(), m.clinikoName(), key, item.sourceRef(), m.idProperty(), props.build(), props.sources(),
				List.of(new AssociationIntent("deals", "invoices", i.invoiceId().toString(), LINE_ITEM_TO_DEAL, true)),
				references);
	}
}
