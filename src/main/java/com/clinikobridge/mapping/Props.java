package com.clinikobridge.mapping;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the HubSpot properties of one record through the mapping file: {@link #put} takes the
 * source field key and writes to the property the mapping names (nothing when the field is not
 * migrated); {@link #raw} writes a property the mapping does not rename. Values follow the
 * HubSpot DIGEST §8 and MAPPING.md conventions: empty and null are not sent; {@code date} as
 * {@code YYYY-MM-DD}; {@code datetime} as ISO-8601 UTC with a {@code Z}; numbers as plain decimals.
 */
final class Props {

	private final Mapping mapping;

	private final ObjectMapping object;

	private final Map<String, String> values = new LinkedHashMap<>();

	private final Map<String, String> sources = new LinkedHashMap<>();

	Props(Mapping mapping, ObjectMapping object) {
		this.mapping = mapping;
		this.object = object;
	}

	Props put(String field, String value) {
		return put(field, value, value);
	}

	Props put(String field, Long value) {
		return value == null ? this : put(field, value.toString());
	}

	Props put(String field, BigDecimal value) {
		return value == null ? this : put(field, value.toPlainString());
	}

	Props put(String field, LocalDate value) {
		return value == null ? this : put(field, value.toString());
	}

	Props put(String field, Instant value) {
		return value == null ? this : put(field, iso(value), value.toString());
	}

	private Props put(String field, String value, String source) {
		String property = mapping.property(object, field);
		if (property != null && value != null && !value.isBlank()) {
			sources.put(property, source);
		}
		return property == null ? this : raw(property, value);
	}

	Props raw(String property, String value) {
		if (value != null && !value.isBlank()) {
			values.put(property, value.strip());
		}
		return this;
	}

	static String iso(Instant value) {
		return value.truncatedTo(ChronoUnit.SECONDS).toString();
	}

	Map<String, String> build() {
		return Map.copyOf(values);
	}

	/** Property → the Cliniko value it came from (raw properties: the value itself). */
	Map<String, String> sources() {
		Map<String, String> all = new LinkedHashMap<>(values);
		all.putAll(sources);
		return all;
	}
}
