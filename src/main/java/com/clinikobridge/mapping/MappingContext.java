package com.clinikobridge.mapping;

import java.time.Instant;
import java.util.Map;

import com.clinikobridge.hubspot.PortalSchema;
import com.clinikobridge.hubspot.PropertySpec;

/**
 * What a run's mappings need besides the record: the run's start time (an appointment after it
 * is SCHEDULED), the mapping file, the owner directory, the portal's deal pipeline and stages,
 * and the patient custom field properties by field token.
 */
public record MappingContext(Instant runStartedAt, Mapping mapping, OwnerDirectory owners, PortalSchema portal,
		Map<String, PropertySpec> customFieldProperties) {
}
