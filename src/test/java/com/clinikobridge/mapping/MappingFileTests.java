package com.clinikobridge.mapping;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MappingFileTests {

	@TempDir
	Path dir;

	private Path file(String yaml) throws IOException {
		Path f = dir.resolve("mapping.yml");
		Files.writeString(f, yaml);
		return f;
	}

	@Test
	void theShippedFileIsTheMappingMdDefault() {
		// when the repository's mapping file is loaded
		Mapping shipped = MappingFile.load(Path.of("jobs", "cliniko-to-hubspot.yml"), true);

		// then it equals the built-in defaults
		Mapping defaults = MappingFile.defaults();
		assertThat(shipped.properties()).isEqualTo(defaults.properties());
		assertThat(shipped.outcomes()).isEqualTo(defaults.outcomes());
		assertThat(shipped.stages()).isEqualTo(defaults.stages());
		assertThat(shipped.pipelineLabel()).isEqualTo("Cliniko invoices");
		assertThat(shipped.includeDraftNotes()).isTrue();
		assertThat(shipped.property(ObjectMapping.PATIENTS, "post_code")).isEqualTo("zip");
	}

	@Test
	void renamesLeavesOutAndChangesValueMaps() throws IOException {
		// given a file that renames one field, leaves one out and changes options and values
		Path f = file("""
				options:
				  preferred_first_name: true
				objects:
				  patients:
				    properties:
				      occupation: cliniko_occupation
				      sex: ""
				  appointments:
				    outcomes:
				      future: RESCHEDULED
				  invoices:
				    pipeline:
				      id: "12345"
				    stages:
				      paid: closedwon
				""");

		// when
		Mapping m = MappingFile.load(f, true);

		// then
		assertThat(m.preferredFirstName()).isTrue();
		assertThat(m.property(ObjectMapping.PATIENTS, "occupation")).isEqualTo("cliniko_occupation");
		assertThat(m.property(ObjectMapping.PATIENTS, "sex")).isNull();
		assertThat(m.property(ObjectMapping.PATIENTS, "city")).isEqualTo("city");
		assertThat(m.outcomes()).containsEntry("future", "RESCHEDULED").containsEntry("past", "COMPLETED");
		assertThat(m.pipelineId()).isEqualTo("12345");
		assertThat(m.stages()).containsEntry("paid", "closedwon").containsEntry("open", "Open");
		assertThat(m.schema(Map.of()).get("contacts")).extracting(s -> s.name())
			.contains("cliniko_occupation", "cliniko_patient_id")
			.doesNotContain("cliniko_sex");
	}

	@Test
	void unknownObjectFieldOptionOrValueNamesFileLineAndExpectation() throws IOException {
		assertThatThrownBy(() -> MappingFile.load(file("objects:\n  patients:\n    properties:\n      frist_name: firstname\n"), true))
			.isInstanceOf(MappingException.class)
			.hasMessageContaining("mapping.yml line 4")
			.hasMessageContaining("unknown field 'frist_name' of patients")
			.hasMessageContaining("first_name");
		assertThatThrownBy(() -> MappingFile.load(file("objects:\n  groups: {}\n"), true))
			.hasMessageContaining("line 2")
			.hasMessageContaining("unknown object 'groups'");
		assertThatThrownBy(() -> MappingFile.load(file("objects:\n  appointments:\n    outcomes:\n      past: DONE\n"), true))
			.hasMessageContaining("line 4")
			.hasMessageContaining("unknown meeting outcome 'DONE'")
			.hasMessageContaining("COMPLETED");
		assertThatThrownBy(() -> MappingFile.load(file("options:\n  dry: true\n"), true))
			.hasMessageContaining("line 2")
			.hasMessageContaining("unknown option 'dry'");
		assertThatThrownBy(() -> MappingFile.load(file("objects:\n  patients:\n    properties:\n      city: City Name\n"), true))
			.hasMessageContaining("line 4")
			.hasMessageContaining("not a HubSpot property name");
		assertThatThrownBy(() -> MappingFile.load(file("objects: [\n"), true))
			.hasMessageContaining("not valid YAML");
		assertThatThrownBy(() -> MappingFile.load(dir.resolve("missing.yml"), true)).hasMessageContaining("no such file");
	}
}
