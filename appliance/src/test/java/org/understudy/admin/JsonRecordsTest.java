package org.understudy.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import org.junit.jupiter.api.Test;
import org.understudy.CdsTraining;
import org.understudy.cli.StatusFormatter;
import org.understudy.config.JsonTrees;
import org.understudy.model.ClusterSnapshot;
import org.understudy.model.VerifySummary;

/** The CLI's light reader of the model reads a status as the JSON mapper does. */
class JsonRecordsTest {
    private static JsonNode standbyStatus() throws Exception {
        // a demo standby's status after a verify, a switchover, a failback and a snapshot
        try (InputStream in = CdsTraining.class.getResourceAsStream("training-status.json")) {
            return Json.mapper().readTree(in);
        }
    }

    @Test
    void standbyStatus_readAsTheMapperReadsIt() throws Exception {
        JsonNode status = standbyStatus();
        ObjectNode vol = (ObjectNode) status.path("volumes").get(0);
        ((ObjectNode) vol.path("lastVerify")).putObject("running").put("startedAt", "2026-12-06T10:41:39Z")
                .put("bytesDone", 4096).put("bytesTotal", 8192);
        vol.put("aFieldFromANewerNode", "ignored");
        ClusterSnapshot mapper = Json.mapper().treeToValue(status, ClusterSnapshot.class);
        ClusterSnapshot light = JsonRecords.read(status, ClusterSnapshot.class);
        assertEquals(mapper, light);
        assertTrue(light.primaries().get(0).detection() != null && light.primaries().get(1).lastFailover() != null,
                "the fixture has what the formatter shows: " + light.primaries());
        assertEquals(4096, light.volumes().get(0).lastVerify().running().bytesDone());
        assertEquals(StatusFormatter.format(mapper), StatusFormatter.format(light));
    }

    @Test
    void statusJson_writtenAsTheMapperWritesIt() throws Exception {
        JsonNode status = standbyStatus();
        assertEquals(Json.pretty(status), JsonTrees.pretty(status));
        JsonNode odd = JsonTrees.readJson("{\"i\":1,\"l\":12345678901,\"b\":123456789012345678901234,\"d\":1.5,"
                + "\"e\":1e300,\"t\":true,\"n\":null,\"a\":[[],{}],\"s\":\"x\\\"\\u00e9\"}");
        assertEquals(Json.pretty(odd), JsonTrees.pretty(odd));
    }

    @Test
    void modelWritten_readBack() {
        ClusterSnapshot s = Snapshots.standby();
        assertEquals(s, JsonRecords.read(Json.mapper().valueToTree(s), ClusterSnapshot.class));
        assertEquals(VerifySummary.NONE, JsonRecords.read(Json.mapper().createObjectNode(), VerifySummary.class),
                "missing fields: null and 0");
    }

    @Test
    void wrongShape_namesWhere() throws Exception {
        ObjectNode status = (ObjectNode) standbyStatus();
        ((ObjectNode) status.path("volumes").get(1)).put("state", "MELTING");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JsonRecords.read(status, ClusterSnapshot.class));
        assertTrue(e.getMessage().startsWith("ClusterSnapshot.volumes[1].state: expected one of ["), e.getMessage());
    }
}
