package com.clinikobridge.mapping;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.clinikobridge.cliniko.ClinikoContact;
import com.clinikobridge.cliniko.SourceItem;
import com.clinikobridge.hubspot.HubSpotRecord;

import org.springframework.batch.infrastructure.item.ItemProcessor;

/**
 * Cliniko contact (referring doctor, 3rd party payer, standard) → HubSpot company (MAPPING.md,
 * Contacts → companies): name = company name, else "first last".
 */
public final class CompanyProcessor implements ItemProcessor<SourceItem<ClinikoContact>, HubSpotRecord> {

	private final MappingContext context;

	public CompanyProcessor(MappingContext context) {
		this.context = context;
	}

	@Override
	public HubSpotRecord process(SourceItem<ClinikoContact> item) {
		ObjectMapping m = ObjectMapping.CONTACTS;
		if (item.isRejected()) {
			return HubSpotRecord.rejected(m.hubspotType(), m.clinikoName(), item.clinikoId(), item.sourceRef(),
					item.field(), item.reason());
		}
		ClinikoContact c = item.record();
		String key = Long.toString(c.id());
		String name = c.companyName() != null ? c.companyName()
				: Stream.of(c.firstName(), c.lastName()).filter(s -> s != null).collect(Collectors.joining(" "));
		if (name.isBlank()) {
			return HubSpotRecord.rejected(m.hubspotType(), m.clinikoName(), key, item.sourceRef(), "company_name",
					"no company name and no first or last name: HubSpot companies need a name");
		}
		Props props = new Props(context.mapping(), m).raw(m.idProperty(), key)
			.put("name", name)
			.put("phone", c.phone())
			.put("address", Stream.of(c.address1(), c.address2(), c.address3())
				.filter(s -> s != null && !s.isBlank())
				.collect(Collectors.joining(", ")))
			.put("city", c.city())
			.put("state", c.state())
			.put("post_code", c.postCode())
			.put("country", c.country())
			.put("type", c.type())
			.put("provider_number", c.providerNumber());
		return HubSpotRecord.of(m.hubspotType(), m.clinikoName(), key, item.sourceRef(), m.idProperty(), props.build(), props.sources(),
				List.of(), List.of());
	}
}
