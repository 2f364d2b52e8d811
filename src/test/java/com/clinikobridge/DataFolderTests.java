package com.clinikobridge;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class DataFolderTests {

	@TempDir
	Path work;

	@Test
	void onlyTheDefaultH2FileHasItsFolderSecured() {
		// given the default URL of application.yml, and others
		// then only the default names ./data
		assertThat(DataFolder.folderOf("jdbc:h2:file:./data/cliniko-bridge;DB_CLOSE_ON_EXIT=FALSE"))
			.contains(Path.of("data"));
		assertThat(DataFolder.folderOf("jdbc:postgresql://db:5432/bridge")).isEmpty();
		assertThat(DataFolder.folderOf(null)).isEmpty();
	}

	@Test
	void theFolderIsCreatedOrTightenedToOwnerOnly() throws Exception {
		// given a missing folder and one that exists world-readable
		Path missing = work.resolve("data");
		Path open = Files.createDirectory(work.resolve("open"));
		Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));

		// when
		DataFolder.secure(missing);
		DataFolder.secure(open);

		// then both are 0700
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(missing))).isEqualTo("rwx------");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(open))).isEqualTo("rwx------");
	}
}
