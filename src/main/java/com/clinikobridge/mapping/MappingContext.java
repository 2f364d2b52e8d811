package com.clinikobridge.mapping;

import java.time.Instant;

import com.clinikobridge.hubspot.PortalSchema;

/**
 * What a run's mappings need besides the record: the run's start time (an appointment after it
 * is SCHEDULED), the owner directory, the portal's deal pipeline and stages, and options.
 *
 * @param preferredFirstName write {@code preferred_first_name} as {@code firstname} when set
 */
public record MappingContext(Instant runStartedAt, OwnerDirectory owners, PortalSchema portal,
		boolean preferredFirstName) {
}
