package com.clinikobridge.mapping;

/** The mapping file is wrong: names the file, the line and what was expected. Exit code 2. */
public class MappingException extends RuntimeException {

	public MappingException(String file, int line, String message) {
		super(file + (line > 0 ? " line " + line : "") + ": " + message);
	}
}
