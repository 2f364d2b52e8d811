package com.clinikobridge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;

/**
 * The default job repository is an H2 file under {@code ./data/} (application.yml); it holds
 * patient data (before-images, rejection reasons). Before the database is opened, the folder is
 * created and made {@code 0700} on POSIX file systems, whatever the umask. Another
 * {@code SPRING_DATASOURCE_URL} is left alone.
 */
final class DataFolder implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

	/** The URL prefix of the default H2 file. */
	static final String DEFAULT_H2 = "jdbc:h2:file:./data/";

	@Override
	public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
		folderOf(event.getEnvironment().getProperty("spring.datasource.url")).ifPresent(DataFolder::secure);
	}

	/** {@code ./data} for the default H2 URL; empty for any other URL. */
	static Optional<Path> folderOf(String url) {
		return url != null && url.startsWith(DEFAULT_H2) ? Optional.of(Path.of("data")) : Optional.empty();
	}

	/**
	 * Creates the folder if needed and makes it {@code 0700}.
	 * @throws UncheckedIOException when the folder cannot be created or restricted
	 */
	static void secure(Path folder) {
		try {
			Files.createDirectories(folder);
			if (folder.getFileSystem().supportedFileAttributeViews().contains("posix")) {
				Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create the job repository folder " + folder.toAbsolutePath(), ex);
		}
	}
}
