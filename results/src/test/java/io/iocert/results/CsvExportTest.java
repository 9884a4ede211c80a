package io.iocert.results;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.opencsv.CSVReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CsvExportTest {

    private static final String HEADER = "id,probe,metric,unit,samples,min,mean,p50,p90,p99,p999,max,stddev,error\n";

    static Stream<Locale> locales() {
        return DefaultLocale.unfriendly();
    }

    @ParameterizedTest
    @MethodSource("locales")
    void shouldWriteCsvEqualToGoldenFileUnderAnyDefaultLocale(Locale locale) throws IOException {
        String actual = DefaultLocale.with(
                locale, () -> new String(CsvExport.toCsv(SampleResults.sample()), StandardCharsets.UTF_8));

        assertEquals(ResultJsonGoldenTest.golden("result.csv", actual), actual);
    }

    @Test
    void shouldQuoteFieldsWithCommaQuoteOrLineBreakAsRfc4180Asks() {
        String error = "said \"no\", twice\r\nthen \"nothing\"";

        String csv = csv(Measurement.failed("id,with comma", "fs.read", "latency", "ns", Map.of(), error));

        assertEquals(
                HEADER + "\"id,with comma\",fs.read,latency,ns,0,,,,,,,,,"
                        + "\"said \"\"no\"\", twice\r\nthen \"\"nothing\"\"\"\n",
                csv);
    }

    @Test
    void shouldGiveAnotherCsvReaderTheFieldsBack() throws Exception {
        String error = "said \"no\", twice\nthen \"nothing\"";
        String csv = csv(Measurement.failed("id,with comma", "fs.read", "latency", "ns", Map.of(), error));

        List<String[]> rows;
        try (CSVReader reader = new CSVReader(new StringReader(csv))) {
            rows = reader.readAll();
        }

        assertEquals(2, rows.size());
        assertEquals(14, rows.get(1).length);
        assertEquals("id,with comma", rows.get(1)[0]);
        assertEquals("0", rows.get(1)[4]);
        assertEquals("", rows.get(1)[5]);
        assertEquals(error, rows.get(1)[13]);
    }

    private static String csv(Measurement m) {
        Result r = new Result(
                Result.FORMAT,
                "0.1.0",
                new NodeIdentity(Map.of()),
                "s",
                null,
                Instant.EPOCH,
                Instant.EPOCH,
                List.of(m));
        return new String(CsvExport.toCsv(r), StandardCharsets.UTF_8);
    }
}
