package dev.kiln.estimator;

import dev.kiln.testing.FreshNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(FreshNames.class)
class TrainingHistoryTest {
    @TempDir
    Path dir;

    private static TrainingHistory twoEpochs() {
        TrainingHistory h = new TrainingHistory();
        Map<String, Double> e0 = new LinkedHashMap<>();
        e0.put("training loss", 0.5);
        e0.put("training accuracy", 0.75);
        e0.put("validation loss", 0.625);
        Map<String, Double> e1 = new LinkedHashMap<>(e0);
        e1.put("training loss", 0.25);
        e1.put("validation accuracy", Double.NaN);
        h.add(new TrainingHistory.Epoch(0, 0.1, 1.5, e0));
        h.add(new TrainingHistory.Epoch(1, 0.05, 1.25, e1));
        return h;
    }

    @Test
    void csvHasOneRowPerEpochAndEmptyCellsForMissingValues() throws Exception {
        Path csv = dir.resolve("h.csv");
        twoEpochs().writeCsv(csv);
        assertThat(Files.readAllLines(csv)).containsExactly(
                "epoch,learning_rate,seconds,training loss,training accuracy,validation loss,validation accuracy",
                "0,0.1,1.5,0.5,0.75,0.625,",
                "1,0.05,1.25,0.25,0.75,0.625,");
    }

    @Test
    void jsonWritesNullForNaN() throws Exception {
        Path json = dir.resolve("h.json");
        twoEpochs().writeJson(json);
        String text = Files.readString(json);
        assertThat(text).contains("{\"epoch\": 1, \"learning_rate\": 0.05, \"seconds\": 1.25, \"values\": "
                + "{\"training loss\": 0.25, \"training accuracy\": 0.75, \"validation loss\": 0.625, "
                + "\"validation accuracy\": null}}");
        assertThat(text.strip()).startsWith("{\"epochs\": [").endsWith("]}");
    }

    @Test
    void chartsArePngAndSvgWithOnePanelPerQuantity() throws Exception {
        TrainingHistory h = twoEpochs();
        assertThat(new TrainingCurves(h).panels()).containsExactly("loss", "accuracy");
        List<Path> files = h.saveAll(dir.resolve("out"), "curves");
        assertThat(files).extracting(p -> p.getFileName().toString())
                .containsExactly("curves.csv", "curves.json", "curves.png", "curves.svg");

        BufferedImage png = ImageIO.read(files.get(2).toFile());
        assertThat(png.getWidth()).isEqualTo(800);
        assertThat(png.getHeight()).isEqualTo(2 * 260 + 60);

        Document svg = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(files.get(3).toFile());
        assertThat(svg.getDocumentElement().getTagName()).isEqualTo("svg");
        assertThat(svg.getElementsByTagName("text").getLength()).isPositive();
        assertThat(Files.readString(files.get(3))).contains("validation loss").contains("epoch");
    }

    @Test
    void historyHandlerWritesItsFilesAtTrainEnd() throws Exception {
        Estimator est = FitFixtures.estimator(FitFixtures.net());
        TrainingHistory h = est.fit(FitFixtures.linearData(2, 2, 0), FitFixtures.linearData(1, 2, 9), 3,
                List.of(new HistoryHandler(dir, "run")));
        assertThat(h.size()).isEqualTo(3);
        assertThat(Files.readAllLines(dir.resolve("run.csv"))).hasSize(4);
        assertThat(ImageIO.read(dir.resolve("run.png").toFile())).isNotNull();
        assertThat(Files.size(dir.resolve("run.svg"))).isPositive();
    }
}
