package com.clinikobridge.cliniko;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How one Cliniko CSV export file is to be read: its text encoding, its field separator and the
 * order of day and month in its dates. Made by {@link CsvPreflight} (which decides the date order
 * from the whole file) or, for a bare file, by {@link #detect(Path)}.
 *
 * @param file the export file
 * @param charset the text encoding (a BOM at the start of the text is skipped whatever it is)
 * @param separator {@code ','}, {@code ';'} or {@code '\t'}
 * @param dateOrder how a non-ISO date such as {@code 03/04/2024} is read
 */
public record CsvFormat(Path file, Charset charset, char separator, DateOrder dateOrder) {

	/** Windows' Western European code page, Excel's usual "CSV" encoding outside UTF-8. */
	public static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

	/** The order of day and month in a date like {@code 03/04/2024}. */
	public enum DateOrder {

		/** Day first, {@code d/m/yyyy} (Cliniko's en-AU and en-GB accounts, Excel there). */
		DMY,
		/** Month first, {@code m/d/yyyy} (en-US Excel). */
		MDY;

		/** {@code dmy} or {@code mdy}, any case; null for anything else. */
		public static DateOrder of(String text) {
			return text == null ? null : switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
				case "dmy" -> DMY;
				case "mdy" -> MDY;
				default -> null;
			};
		}
	}

	/**
	 * The format of a bare file: encoding and separator detected, dates day-first.
	 * @throws UncheckedIOException when the file cannot be read
	 */
	public static CsvFormat detect(Path file) {
		try {
			Charset charset = detectCharset(file);
			String header;
			try (CsvRecordFramer framer = new CsvRecordFramer(reader(file, charset))) {
				header = framer.headerLine();
			}
			return new CsvFormat(file, charset, header == null ? ',' : detectSeparator(header), DateOrder.DMY);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + file.getFileName(), ex);
		}
	}

	/** This format with another date order. */
	CsvFormat withDateOrder(DateOrder order) {
		return new CsvFormat(file, charset, separator, order);
	}

	/** A decoding reader of the file in this format (the caller closes it). */
	Reader open() throws IOException {
		return reader(file, charset);
	}

	static Reader reader(Path file, Charset charset) throws IOException {
		return new InputStreamReader(new BufferedInputStream(Files.newInputStream(file), 1 << 16), charset);
	}

	/**
	 * The encoding of a file: UTF-8 for a UTF-8 BOM, UTF-16LE or UTF-16BE for theirs, else UTF-8
	 * when every byte sequence is valid UTF-8, else Windows-1252. Reads the file once, streaming.
	 */
	static Charset detectCharset(Path file) throws IOException {
		byte[] head;
		try (InputStream in = Files.newInputStream(file)) {
			head = in.readNBytes(3);
		}
		if (head.length >= 2 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xFF) == 0xFE) {
			return StandardCharsets.UTF_16LE;
		}
		if (head.length >= 2 && (head[0] & 0xFF) == 0xFE && (head[1] & 0xFF) == 0xFF) {
			return StandardCharsets.UTF_16BE;
		}
		if (head.length == 3 && (head[0] & 0xFF) == 0xEF && (head[1] & 0xFF) == 0xBB && (head[2] & 0xFF) == 0xBF) {
			return StandardCharsets.UTF_8;
		}
		return validUtf8(file) ? StandardCharsets.UTF_8 : WINDOWS_1252;
	}

	private static boolean validUtf8(Path file) throws IOException {
		CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
			.onMalformedInput(CodingErrorAction.REPORT)
			.onUnmappableCharacter(CodingErrorAction.REPORT);
		try (Reader in = new InputStreamReader(new BufferedInputStream(Files.newInputStream(file), 1 << 16), strict)) {
			char[] buffer = new char[1 << 14];
			while (in.read(buffer) >= 0) {
				// decoding is the check
			}
			return true;
		}
		catch (CharacterCodingException ex) {
			return false;
		}
	}

	/**
	 * The separator of a header row: whichever of comma, semicolon and tab occurs most often
	 * outside quotes (comma when none does).
	 */
	static char detectSeparator(String header) {
		int commas = 0;
		int semicolons = 0;
		int tabs = 0;
		boolean quoted = false;
		for (int i = 0; i < header.length(); i++) {
			char c = header.charAt(i);
			if (c == '"') {
				quoted = !quoted;
			}
			else if (!quoted) {
				commas += c == ',' ? 1 : 0;
				semicolons += c == ';' ? 1 : 0;
				tabs += c == '\t' ? 1 : 0;
			}
		}
		if (tabs > commas && tabs >= semicolons) {
			return '\t';
		}
		return semicolons > commas ? ';' : ',';
	}

	/** The separator's name for messages. */
	String separatorName() {
		return switch (separator) {
			case '\t' -> "tab";
			case ';' -> "semicolon";
			default -> "comma";
		};
	}
}
