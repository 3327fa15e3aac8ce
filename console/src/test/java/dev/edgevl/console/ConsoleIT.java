package dev.edgevl.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.edgevl.config.KafkaSettings;
import dev.edgevl.config.Settings;
import dev.edgevl.distill.DistillerConfig;
import dev.edgevl.health.PrometheusText;
import dev.edgevl.kafka.embedded.EmbeddedKafka;
import dev.edgevl.schemas.SampleRecords;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.Topic;
import dev.edgevl.schemas.topics.TopicInstaller;
import dev.edgevl.schemas.topics.Topics;
import dev.edgevl.teacher.service.TeacherServiceApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console as a user meets it: a real broker with the teacher service running, the page in Debian's Chromium
 * (headless, driven by Selenium through Debian's chromedriver; the browser tests skip where those are not installed —
 * {@code .ci/run} installs them). A frame renders with its labels, an action without the token is refused, adding a label
 * from the page reaches {@code labels.embedded} and comes back to the page, and {@code /metrics} parses as Prometheus
 * text.
 */
class ConsoleIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String TOKEN = "s3cret-" + UUID.randomUUID();
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static EmbeddedKafka kafka;

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.builder().start();
        TopicInstaller.ensureCatalogue(kafka.bootstrapServers());
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aUserSeesTheFleetAndChangesTheLabelsFromTheBrowser() throws Exception {
        assumeTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Debian's chromium and chromium-driver are not installed (.ci/run installs them)");
        Settings settings = Settings.of(Map.of(
                "teacher.application-id",
                "console-it-" + UUID.randomUUID(),
                "kafka.state.dir",
                dir.resolve("streams").toString(),
                ConsoleConfig.PORT.key(),
                "0",
                ConsoleConfig.TOKEN.key(),
                TOKEN));
        Map<String, Object> client = KafkaSettings.clientProperties(settings, kafka.bootstrapServers());
        try (AvroSerdes serdes = AvroSerdes.fromSettings(settings);
                TeacherServiceApp teacher = TeacherServiceApp.start(settings, kafka.bootstrapServers());
                Console console = Console.start(settings, client, serdes, distiller(settings), null, false)) {
            teacher.awaitRunning(WAIT);
            assertThat(console.feed().awaitCaughtUp(WAIT)).isTrue();
            // A device's pair, its annotation (routed) and the teacher's answer, and the device's status.
            send(serdes, Topics.FLEET_STATUS, "dev-1", SampleRecords.deviceStatus("dev-1"));
            send(serdes, Topics.FRAMES_PAIRED, "dev-1", SampleRecords.pair("dev-1", 7));
            send(serdes, Topics.FRAMES_ANNOTATED, "dev-1", SampleRecords.annotation("dev-1"));
            send(serdes, Topics.LABELS_EMBEDDED, "cube", SampleRecords.labelEmbedding("cube"));
            send(serdes, Topics.TEACHER_EMBEDDINGS, "dev-1", SampleRecords.teacherEmbedding("dev-1"));

            WebDriver browser = browser();
            try {
                browser.get(console.url());
                WebDriverWait wait = new WebDriverWait(browser, WAIT);
                WebElement card = wait.until(b -> b.findElement(By.cssSelector("[data-device='dev-1']")));
                WebElement aux = wait.until(b -> card.findElement(By.cssSelector("img.aux")));
                wait.until(b -> rendered(b, aux));
                assertThat(rendered(browser, card.findElement(By.cssSelector("img.rgb"))))
                        .as("the RGB frame beside the depth frame in false colour")
                        .isTrue();
                assertThat(card.getText()).contains("cube", "pyramid", "v3");
                wait.until(b -> card.getText().contains("teacher: cube"));
                assertThat(browser.findElement(By.id("fleet")).getText()).contains("dev-1", "v4", "OK");

                // Without the token the page's action is refused, and nothing reaches the topic.
                browser.findElement(By.id("new-label")).sendKeys("forklift");
                browser.findElement(By.id("add-label")).click();
                WebElement message = browser.findElement(By.id("message"));
                wait.until(b -> message.getText().contains("token"));
                assertThat(message.getAttribute("class")).contains("error");

                // With it, the label goes to labels, the teacher embeds it, and the page lists it.
                browser.findElement(By.id("token")).sendKeys(TOKEN);
                browser.findElement(By.cssSelector("#token-form button")).click();
                browser.findElement(By.id("new-label")).clear();
                browser.findElement(By.id("new-label")).sendKeys("forklift");
                browser.findElement(By.id("add-label")).click();
                wait.until(b -> message.getText().startsWith("Asked the teacher"));
                wait.until(b -> !b.findElements(By.cssSelector("#labels li[data-label='forklift']"))
                        .isEmpty());
                assertThat(console.feed().labels()).contains("forklift");
                screenshot(browser);

                browser.findElement(By.cssSelector("#labels li[data-label='forklift'] button"))
                        .click();
                wait.until(b -> b.findElements(By.cssSelector("#labels li[data-label='forklift']"))
                        .isEmpty());
            } finally {
                browser.quit();
            }

            HttpResponse<String> metrics = get(console.url() + "metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            PrometheusText text = PrometheusText.parse(metrics.body());
            assertThat(text.sum("edgevl_teacher_labels_total", Map.of("change", "embedded")))
                    .as("the teacher service's own counters, in this JVM's /metrics")
                    .isGreaterThanOrEqualTo(1);
            assertThat(text.sum("edgevl_teacher_labels_total", Map.of("change", "removed")))
                    .isGreaterThanOrEqualTo(1);
            assertThat(text.families().keySet())
                    .anyMatch(name -> name.startsWith("kafka_stream_"))
                    .contains("jvm_memory_used_bytes");
        }
    }

    @Test
    void actionsAreRefusedWithoutTheRightTokenAndEverywhereWhenNoTokenIsSet() throws Exception {
        Settings withToken = Settings.of(Map.of(ConsoleConfig.PORT.key(), "0", ConsoleConfig.TOKEN.key(), TOKEN));
        Map<String, Object> client = KafkaSettings.clientProperties(withToken, kafka.bootstrapServers());
        try (AvroSerdes serdes = AvroSerdes.fromSettings(withToken);
                Console guarded = Console.start(withToken, client, serdes, distiller(withToken), null, false);
                Console readOnly = Console.start(
                        Settings.of(Map.of(ConsoleConfig.PORT.key(), "0")),
                        client,
                        serdes,
                        distiller(withToken),
                        null,
                        false)) {
            assertThat(post(guarded.url() + "api/labels", "{\"label\":\"crate\"}", null)
                            .statusCode())
                    .isEqualTo(401);
            assertThat(post(guarded.url() + "api/labels", "{\"label\":\"crate\"}", "wrong")
                            .statusCode())
                    .isEqualTo(401);
            assertThat(post(guarded.url() + "api/models/3/promote", "", null).statusCode())
                    .isEqualTo(401);
            HttpResponse<String> refused = post(readOnly.url() + "api/labels", "{\"label\":\"crate\"}", TOKEN);
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.body()).contains("read-only");
            assertThat(post(guarded.url() + "api/labels", "{\"label\":\"  \"}", TOKEN)
                            .statusCode())
                    .as("a blank label is a bad request, with the token")
                    .isEqualTo(400);
            HttpResponse<String> state = get(guarded.url() + "api/state");
            assertThat(state.statusCode()).isEqualTo(200);
            assertThat(state.body()).contains("\"readOnly\":false");
            assertThat(get(readOnly.url() + "api/state").body()).contains("\"readOnly\":true");
            assertThat(get(guarded.url() + "nothing-here").statusCode()).isEqualTo(404);
            assertThat(get(guarded.url() + "frames/nobody/aux.png").statusCode())
                    .isEqualTo(404);
            assertThat(get(guarded.url() + "webjars/uplot/1.6.30/dist/uPlot.iife.min.js")
                            .statusCode())
                    .as("the chart library from its WebJar")
                    .isEqualTo(200);
        }
    }

    private static DistillerConfig distiller(Settings settings) {
        return DistillerConfig.from(settings).withStoreDir(Path.of("target", "no-store-" + UUID.randomUUID()));
    }

    private static <V> void send(AvroSerdes serdes, Topic<String, V> topic, String key, V value) throws Exception {
        try (KafkaProducer<String, V> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new StringSerializer(),
                serdes.valueSerde(topic).serializer())) {
            producer.send(new ProducerRecord<>(topic.name(), key, value)).get();
        }
    }

    private static boolean rendered(WebDriver browser, WebElement image) {
        Object ok = ((JavascriptExecutor) browser)
                .executeScript("return arguments[0].complete && arguments[0].naturalWidth > 0;", image);
        return Boolean.TRUE.equals(ok);
    }

    private WebDriver browser() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1400,1100",
                "--user-data-dir=" + dir.resolve("chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    /** Saved under target/ for a person to look at when the test fails or the README's picture is renewed. */
    private static void screenshot(WebDriver browser) throws Exception {
        Path png = Path.of("target", "console-it.png");
        Files.createDirectories(png.getParent());
        Files.write(png, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String url, String body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
