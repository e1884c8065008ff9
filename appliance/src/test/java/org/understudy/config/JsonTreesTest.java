package org.understudy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The trees the CLI builds without a mapper are the mapper's trees. */
class JsonTreesTest {
    @Test
    void json_sameTreeAsTheMapper() throws Exception {
        String text;
        try (InputStream in = org.understudy.CdsTraining.class.getResourceAsStream("training-status.json")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(new ObjectMapper().readTree(text), JsonTrees.readJson(text));
        String odd = "{\"i\":1,\"l\":12345678901,\"b\":123456789012345678901234,\"d\":1.5,\"t\":true,\"n\":null,"
                + "\"a\":[[],{}],\"s\":\"x\",\"i\":2}";
        assertEquals(new ObjectMapper().readTree(odd), JsonTrees.readJson(odd));
        assertTrue(JsonTrees.readJson("").isMissingNode());
    }

    @Test
    void yaml_sameTreeAsTheMapper() throws Exception {
        for (String sample : new String[] {"cluster.sample.yaml", "secrets.sample.yaml"}) {
            String text = Files.readString(Path.of("..", "conf", sample));
            try (JsonParser p = new YAMLFactory().createParser(text)) {
                assertEquals(new YAMLMapper().readTree(text), JsonTrees.read(p), sample);
            }
        }
    }
}
