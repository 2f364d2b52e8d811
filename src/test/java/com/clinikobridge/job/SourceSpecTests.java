package com.clinikobridge.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.clinikobridge.cliniko.CsvFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code --source} text: the CSV options travel in it, so that a stored run is restarted with them. */
class SourceSpecTests {

	@TempDir
	Path dir;

	@Test
	void csvOptionsRoundTripThroughTheSourceText() throws IOException {
		// given two Patients exports, Windows-1252, with ambiguous dates
		String rows = "Patient ID,First Name,Date of Birth\n1,Zoë,03/04/1985\n";
		Files.write(dir.resolve("Patients-Cliniko-20261120.csv"), rows.getBytes(CsvFormat.WINDOWS_1252));
		Files.write(dir.resolve("Patients-Cliniko-20261121.csv"), rows.getBytes(CsvFormat.WINDOWS_1252));

		// when
		String text = SourceSpec.withCsvOptions("csv:" + dir, List.of("Patients-Cliniko-20261121.csv"), "windows-1252",
				"mdy");
		SourceSpec source = SourceSpec.parse(text);

		// then
		assertThat(text).isEqualTo("csv:" + dir + " --csv-file=Patients-Cliniko-20261121.csv"
				+ " --csv-encoding=windows-1252 --csv-date-order=mdy");
		assertThat(source.csvFolder()).isEqualTo(dir);
		CsvFormat format = source.csv().format("Patients").orElseThrow();
		assertThat(format.file().getFileName()).hasToString("Patients-Cliniko-20261121.csv");
		assertThat(format.charset()).isEqualTo(CsvFormat.WINDOWS_1252);
		assertThat(format.dateOrder()).isEqualTo(CsvFormat.DateOrder.MDY);
		assertThat(SourceSpec.withCsvOptions("csv:" + dir, null, null, null)).isEqualTo("csv:" + dir);
	}

	@Test
	void csvOptionsNeedACsvSource() {
		assertThatThrownBy(() -> SourceSpec.withCsvOptions("api", List.of(), "UTF-8", null))
			.isInstanceOf(ConfigurationException.class)
			.hasMessageContaining("--source=csv:DIR");
	}
}
