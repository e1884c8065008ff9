package org.understudy.web.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.understudy.e2e.Poll;
import org.understudy.storage.FileTrees;

/**
 * A real headless Chromium (Debian's {@code chromium} with its {@code chromium-driver}) driven by Selenium, with
 * a fresh profile of its own. Selenium is pointed at {@code /usr/bin/chromedriver}, so it never tries to download a
 * driver. Screenshots go to {@code target/screenshots/} on every run.
 */
final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SHOTS = Path.of(System.getProperty("screenshots.dir", "target/screenshots"));

    private final ChromeDriver driver;
    private final Path profile;
    private final String base;

    Browser(String baseUrl) throws IOException {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(DRIVER)) {
            throw new AssertionError("the browser tests need Debian's chromium and chromium-driver (" + CHROMIUM + ", "
                    + DRIVER + "): ./test installs them");
        }
        this.base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        profile = Files.createTempDirectory("understudy-chromium-");
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--ignore-certificate-errors",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-dev-shm-usage", "--window-size=1500,1000", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, o);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    ChromeDriver driver() {
        return driver;
    }

    void open(String path) {
        driver.get(base + path);
    }

    String path() {
        String url = driver.getCurrentUrl();
        return url.startsWith(base) ? url.substring(base.length()) : url;
    }

    /** Logs in through the login form; returns the page's path after it. */
    String login(String user, String password) {
        open("/login");
        driver.findElement(By.id("user")).clear();
        driver.findElement(By.id("user")).sendKeys(user);
        driver.findElement(By.id("password")).sendKeys(password);
        WebElement button = driver.findElement(By.id("login-button"));
        button.click();
        // the click only submits the form: the answer (the overview, or the login page again with its error) replaces
        // this page some time later, and reading the address before that reads the login page's own (a CI run did)
        Poll.until(Duration.ofSeconds(10), "the login form's answer", () -> {
            try {
                button.isEnabled();
                return false;
            } catch (StaleElementReferenceException replaced) {
                return true;
            }
        });
        return path();
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    WebElement one(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    /**
     * The text of the first element matching {@code css}, "" when none. Read in one script call: live updates replace
     * fragments at any moment, so an element found in one call may be gone by the next.
     */
    String text(String css) {
        Object t = js("var e = document.querySelector(arguments[0]); return e ? e.innerText : '';", css);
        return t == null ? "" : t.toString().trim();
    }

    /** How many elements match {@code css} now. */
    long count(String css) {
        return ((Number) js("return document.querySelectorAll(arguments[0]).length;", css)).longValue();
    }

    /** The attribute {@code name} of every element matching {@code css}, in document order, read in one call. */
    @SuppressWarnings("unchecked")
    List<String> attributes(String css, String name) {
        return (List<String>) js("return Array.from(document.querySelectorAll(arguments[0])).map(e => e.getAttribute(arguments[1]));",
                css, name);
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** Waits until the page's live stream is open. */
    void awaitLive() {
        Poll.until(Duration.ofSeconds(20), "the page's live stream open",
                () -> "live".equals(js("return document.body.getAttribute('data-live-state')")));
    }

    /** Saves a screenshot as {@code target/screenshots/NAME.png}. */
    Path screenshot(String name) throws IOException {
        Files.createDirectories(SHOTS);
        Path shot = SHOTS.resolve(name + ".png");
        Files.move(driver.getScreenshotAs(OutputType.FILE).toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
        return shot;
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try {
                FileTrees.delete(profile);
            } catch (IOException e) {
                // a temporary profile left behind harms nothing
            }
        }
    }
}
