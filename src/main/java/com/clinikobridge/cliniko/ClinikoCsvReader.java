package com.clinikobridge.cliniko;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

import com.opencsv.RFC4180Parser;
import com.opencsv.RFC4180ParserBuilder;

import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamException;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

/**
 * Restartable reader of one Cliniko CSV export file (UTF-8 with or without BOM, LF or CRLF,
 * RFC-4180 quoting with multi-line fields). Columns are found by header name.
 *
 * <p>
 * A malformed row (wrong column count, broken quoting, unparseable value) becomes a rejected
 * {@link SourceItem} naming the file, line, column and reason; reading carries on with the next
 * line. The restart state is the number of physical lines consumed, kept in the step's
 * {@link ExecutionContext} under {@code <name>.lines}, so a restart resumes after the last
 * committed row without reading it twice.
 *
 * <p>
 * OpenCSV's RFC-4180 parser splits each record; this class only frames records so that one
 * broken quote cannot swallow the rest of the file: a record may span at most
 * {@link #MAX_RECORD_LINES} lines, and a multi-line record whose column count is wrong is
 * reported as a broken first line and re-read from the line after it.
 */
public class ClinikoCsvReader<T> implements ItemStreamReader<SourceItem<T>> {

	static final int MAX_RECORD_LINES = 200;

	/** The "column" of a rejection about the row's framing rather than one value. */
	static final String WHOLE_ROW = "(row)";

	private final String name;

	private final Path file;

	private final CsvRowMapper<T> mapper;

	private final RFC4180Parser parser = new RFC4180ParserBuilder().build();

	private final Deque<String> pushedBack = new ArrayDeque<>();

	private BufferedReader in;

	private Map<String, Integer> header;

	private int columns;

	/** Physical lines consumed so far, header included. */
	private long lines;

	private long passedOver;

	/** A reader of {@code file}; a null file (the export is absent from the folder) reads nothing. */
	public ClinikoCsvReader(String name, Path file, CsvRowMapper<T> mapper) {
		this.name = name;
		this.file = file;
		this.mapper = mapper;
	}

	@Override
	public void open(ExecutionContext context) throws ItemStreamException {
		if (file == null) {
			return;
		}
		try {
			in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
			String headerLine = nextLine();
			if (headerLine == null) {
				throw new ItemStreamException(file.getFileName() + " is empty: expected a header row");
			}
			if (headerLine.startsWith("\uFEFF")) {
				headerLine = headerLine.substring(1);
			}
			String[] names = parser.parseLine(headerLine);
			header = new HashMap<>();
			for (int i = 0; i < names.length; i++) {
				header.putIfAbsent(CsvRow.key(names[i]), i);
			}
			columns = names.length;
			String savedFile = context.getString(name + ".file", null);
			if (savedFile != null && !savedFile.equals(file.getFileName().toString())) {
				throw new ItemStreamException("The export changed since this run started: it read " + savedFile
						+ ", the folder now has " + file.getFileName() + ". Start a new run instead of restarting.");
			}
			long resumeAt = context.getLong(name + ".lines", 1L);
			passedOver = context.getLong(name + ".passedOver", 0L);
			while (lines < resumeAt && nextLine() != null) {
				// skip what earlier chunks committed
			}
		}
		catch (IOException ex) {
			throw new ItemStreamException("Cannot read " + file.getFileName(), ex);
		}
	}

	@Override
	public SourceItem<T> read() {
		if (in == null) {
			return null;
		}
		while (true) {
			long firstLine = lines + 1;
			String first = nextLine();
			if (first == null) {
				return null;
			}
			if (first.isBlank()) {
				continue;
			}
			StringBuilder record = new StringBuilder(first);
			Deque<String> taken = new ArrayDeque<>();
			while (!balanced(record) && taken.size() < MAX_RECORD_LINES) {
				String more = nextLine();
				if (more == null) {
					break;
				}
				taken.add(more);
				record.append('\n').append(more);
			}
			String ref = file.getFileName() + " line " + firstLine;
			if (!balanced(record)) {
				rewind(taken);
				return SourceItem.rejected(ref, null, WHOLE_ROW, "broken quoting: a quoted field is never closed");
			}
			String[] values;
			try {
				values = parser.parseLine(record.toString());
			}
			catch (IOException ex) {
				rewind(taken);
				return SourceItem.rejected(ref, null, WHOLE_ROW, "broken quoting: " + ex.getMessage());
			}
			if (values.length != columns) {
				if (!taken.isEmpty()) {
					// More likely a stray quote on the first line than a real multi-line field.
					rewind(taken);
					return SourceItem.rejected(ref, null, WHOLE_ROW, "broken quoting: a quoted field is never closed");
				}
				return SourceItem.rejected(ref, lenientId(new CsvRow(header, values)), WHOLE_ROW,
						"wrong column count: expected " + columns + ", found " + values.length);
			}
			CsvRow row = new CsvRow(header, values);
			try {
				T mapped = mapper.map(row);
				if (mapped == null) {
					passedOver++;
					continue;
				}
				return SourceItem.of(ref, mapper.idOf(row), mapped);
			}
			catch (ClinikoValueException ex) {
				return SourceItem.rejected(ref, lenientId(row), ex.field(), ex.getMessage());
			}
		}
	}

	private String lenientId(CsvRow row) {
		try {
			return mapper.idOf(row);
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	/** Rows passed over because they are not of this object type (e.g. unavailable blocks). */
	public long passedOver() {
		return passedOver;
	}

	@Override
	public void update(ExecutionContext context) {
		if (file != null) {
			context.putString(name + ".file", file.getFileName().toString());
		}
		context.putLong(name + ".lines", lines);
		context.putLong(name + ".passedOver", passedOver);
	}

	@Override
	public void close() {
		if (in != null) {
			try {
				in.close();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			in = null;
		}
	}

	private static boolean balanced(CharSequence record) {
		int quotes = 0;
		for (int i = 0; i < record.length(); i++) {
			if (record.charAt(i) == '"') {
				quotes++;
			}
		}
		return quotes % 2 == 0;
	}

	private void rewind(Deque<String> taken) {
		while (!taken.isEmpty()) {
			pushedBack.push(taken.removeLast());
			lines--;
		}
	}

	private String nextLine() {
		try {
			String line = pushedBack.isEmpty() ? in.readLine() : pushedBack.pop();
			if (line != null) {
				lines++;
			}
			return line;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + file.getFileName(), ex);
		}
	}
}
