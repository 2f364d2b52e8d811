package com.clinikobridge.cliniko;

import java.util.List;

/**
 * The CSV exports of a folder cannot be read as they are: one message per problem, each saying
 * what is wrong, where (file, line or column) and how to fix it.
 */
public class CsvPreflightException extends RuntimeException {

	private final List<String> problems;

	public CsvPreflightException(List<String> problems) {
		super(problems.size() == 1 ? problems.get(0)
				: problems.size() + " problems with the CSV exports:\n- " + String.join("\n- ", problems));
		this.problems = List.copyOf(problems);
	}

	/** The problems, one message each, in the order found. */
	public List<String> problems() {
		return problems;
	}
}
