package com.clinikobridge.job;

import java.nio.file.Files;
import java.nio.file.Path;

import com.clinikobridge.cliniko.ClinikoCsvExports;

/**
 * The {@code --source} option: {@code api} (the Cliniko REST API) or {@code csv:DIR} (a folder
 * of Cliniko CSV exports).
 */
public record SourceSpec(String text, Path csvFolder) {

	/** @throws ConfigurationException naming {@code --source} when the value is not usable */
	public static SourceSpec parse(String text) {
		if (text == null || text.isBlank()) {
			throw new ConfigurationException("--source is required: api or csv:DIR");
		}
		if (text.equals("api")) {
			return new SourceSpec(text, null);
		}
		if (text.startsWith("csv:") && text.length() > 4) {
			Path folder = Path.of(text.substring(4));
			if (!Files.isDirectory(folder)) {
				throw new ConfigurationException("--source: " + folder + " is not a folder");
			}
			if (new ClinikoCsvExports(folder).file("Patients").isEmpty()) {
				throw new ConfigurationException(
						"--source: " + folder + " has no Patients-Cliniko-*.csv export (Cliniko's file name)");
			}
			return new SourceSpec(text, folder);
		}
		throw new ConfigurationException("--source must be api or csv:DIR, not '" + text + "'");
	}

	public boolean isCsv() {
		return csvFolder != null;
	}
}
