"""Word lists for bench/gen_corpus.py: the names, numbers and sentence
templates its briefings are assembled from. Every event they describe is
invented; the companies are real names only so that the text reads like the
news it stands in for.

Template slots: {A} {B} companies, {P} a product, {R} a region, {T} a topic,
{n} an amount in billions, {pct} {pct2} percentages, {q} a quarter, {y} a
year, {m} a number of months, {k} a small count, {who} a speaker, {day} a
weekday, {month} a month, {mw} megawatts, {price} a price, {cloud} a cloud.
"""


def _company(name, domain, summary, aliases=()):
    return {"name": name, "domain": domain, "summary": summary, "aliases": list(aliases)}


COMPANIES = [
    _company("OpenAI", "openai.com", "Maker of the GPT models and ChatGPT.", ["ChatGPT"]),
    _company("Microsoft", "microsoft.com", "Software and cloud company; runs Azure.", ["Azure"]),
    _company("Google", "google.com", "Search, cloud and the Gemini models.", ["Alphabet", "Google DeepMind"]),
    _company("Amazon", "amazon.com", "Retailer and cloud provider through AWS.", ["AWS", "Amazon Web Services"]),
    _company("Anthropic", "anthropic.com", "AI safety company behind the Claude models.", ["Claude"]),
    _company("Meta", "meta.com", "Social networks and the Llama open-weight models.", ["Facebook"]),
    _company("Nvidia", "nvidia.com", "Designer of the GPUs most AI training runs on."),
    _company("Apple", "apple.com", "Devices maker bringing models on-device."),
    _company("AMD", "amd.com", "Chip designer competing in data-center accelerators."),
    _company("Intel", "intel.com", "Chip maker and foundry."),
    _company("Oracle", "oracle.com", "Database and cloud company building large AI data centers."),
    _company("IBM", "ibm.com", "Enterprise software and consulting company."),
    _company("Mistral AI", "mistral.ai", "Paris-based developer of open and commercial models.", ["Mistral"]),
    _company("Cohere", "cohere.com", "Enterprise language-model company."),
    _company("xAI", "x.ai", "Developer of the Grok models."),
    _company("Hugging Face", "huggingface.co", "Hub for open models and datasets."),
    _company("Databricks", "databricks.com", "Data and AI platform company."),
    _company("Salesforce", "salesforce.com", "Customer-software company selling AI agents."),
    _company("SoftBank", "softbank.jp", "Japanese investor with large AI bets."),
    _company("CoreWeave", "coreweave.com", "GPU cloud provider."),
    _company("TSMC", "tsmc.com", "The foundry that makes most leading AI chips.", ["Taiwan Semiconductor"]),
    _company("Samsung", "samsung.com", "Memory and device maker."),
    _company("Baidu", "baidu.com", "Chinese search company and developer of the Ernie models."),
    _company("Alibaba", "alibaba.com", "Chinese commerce and cloud group behind the Qwen models.", ["Qwen"]),
    _company("Perplexity", "perplexity.ai", "AI answer-engine company."),
]

AUTHORS = [
    "Ada Morrow", "Bilal Qureshi", "Carmen Ortiz", "Dmitri Volkov", "Esther Nakamura",
    "Felix Brandt", "Gloria Mensah", "Hugo Lefebvre", "Ines Carvalho", "Jonah Abrams",
    "Kavya Iyer", "Liam O'Neill", "Mirela Popescu", "Nikhil Bose", "Olga Sorensen",
    "Pablo Quintero", "Quinn Harper", "Rosa Delgado", "Stefan Novak", "Tara Fitzgerald",
    "Umar Siddiqui", "Vera Lindqvist", "Wen Zhao", "Ximena Rojas", "Yusuf Demir",
    "Zoe Castellano", "Arturo Benedetti", "Beatrix Holm", "Chidi Eze", "Dana Whitlock",
]

TAGS = [
    "partnerships", "cloud", "chips", "gpus", "data-centers", "energy", "funding",
    "valuations", "mergers", "antitrust", "regulation", "eu-ai-act", "export-controls",
    "china", "policy", "copyright", "privacy", "safety", "open-weights", "llms",
    "agents", "coding", "search", "devices", "enterprise", "pricing", "inference",
    "training", "benchmarks", "robotics", "healthcare", "finance", "education", "media",
    "labor", "talent", "governance", "security", "developer-tools", "earnings",
]

STORIES = [
    ("openai-microsoft", "OpenAI and Microsoft", "How the partnership moved from exclusivity to a looser arrangement."),
    ("chip-export-rules", "Chip export rules", "Who may sell which accelerators to whom, and how the rules keep changing."),
    ("eu-ai-act", "The EU AI Act", "From proposal to enforcement: obligations, deadlines and fights."),
    ("gpu-supply", "The GPU squeeze", "Supply, allocation and prices of the chips that train models."),
    ("open-weights", "Open-weight models", "Releases, licences and the argument over openness."),
    ("copyright-cases", "AI and copyright", "The lawsuits and licensing deals over training data."),
    ("power-for-ai", "Power for AI", "Data centers, grids and the energy deals behind them."),
    ("frontier-safety", "Frontier model safety", "Evaluations, commitments and incidents."),
    ("agent-platforms", "Agent platforms", "Products that act on a user's behalf, and their limits."),
    ("inference-prices", "The inference price war", "How the price of a token keeps falling."),
    ("mega-rounds", "Mega funding rounds", "The largest private raises in AI and who is paying."),
    ("antitrust-probes", "AI antitrust probes", "Investigations into cloud, chips and AI partnerships."),
    ("on-device-ai", "On-device AI", "Models that run on phones and laptops."),
    ("sovereign-ai", "Sovereign AI", "Countries building their own compute and models."),
    ("talent-moves", "Talent moves", "Hires, departures and acqui-hires across AI labs."),
]

PRODUCTS = [
    "its flagship model", "a reasoning model", "a coding assistant", "an agent platform",
    "its inference API", "a new accelerator", "a GPU cluster", "a small on-device model",
    "an enterprise chat product", "a model-hosting service", "a search assistant",
    "a training supercomputer", "a voice model", "an open-weight model family",
]

REGIONS = [
    "Texas", "Ohio", "Arizona", "Virginia", "Ireland", "the Netherlands", "Finland",
    "Japan", "South Korea", "India", "Brazil", "Saudi Arabia", "the United Arab Emirates",
    "Singapore", "Quebec", "Norway", "Spain", "Malaysia",
]

TOPICS = [
    "compute", "cloud hosting", "model licensing", "chip supply", "data access",
    "revenue sharing", "distribution", "safety testing", "pricing", "power supply",
    "talent", "governance", "open weights", "enterprise sales",
]

AMOUNTS = ["1.5", "2", "4", "6.5", "10", "13", "20", "30", "40", "100"]
QUARTERS = ["first", "second", "third", "fourth"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
MONTHS = ["January", "March", "April", "June", "July", "September", "October", "December"]
CLOUDS = ["Azure", "AWS", "Google Cloud", "Oracle Cloud", "CoreWeave", "a regional provider"]

OUTLETS = [
    "news.example.com", "wire.example.net", "techdaily.example.org", "markets.example.com",
    "policyreview.example.org", "chipweekly.example.com", "cloudletter.example.net",
]

SPEAKERS = [
    "an analyst who covers cloud infrastructure", "a former regulator",
    "a partner at a venture firm", "a researcher who studies compute markets",
    "the company's chief financial officer", "an engineer who built similar systems",
    "a lawyer who advises AI companies", "a customer in financial services",
    "a chip-industry consultant", "an economist who studies platforms",
]

TITLES = [
    "{A} and {B} rewrite their {T} deal",
    "{A} ships {P} as {B} races to catch up",
    "{A} commits ${n}B to data centers in {R}",
    "Regulators in {R} look into {A}'s {T} terms",
    "{A} raises ${n}B in a round led by {B}",
    "{A} cuts prices for {P} by {pct}%",
    "{A} hires {B}'s head of {T}",
    "{A} signs a {T} agreement with {B}",
    "{A} drops exclusivity on {T} with {B}",
    "Why {A}'s bet on {T} matters for {B}",
    "{A} opens {P} to customers in {R}",
    "{A} and {B} settle their dispute over {T}",
    "{A} reports AI revenue up {pct}%",
    "{A} pauses {P} after a safety review",
    "{A} buys a startup to strengthen {T}",
]

LEADS = [
    "{A} and {B} have changed the terms that govern {T} between them.",
    "{A} said on {day} that it would commit about ${n} billion to {T}.",
    "The announcement from {A} puts {T} back at the center of the industry's plans.",
    "Few agreements in the industry matter as much as the one between {A} and {B}, and it has just changed.",
    "{A} has launched {P}, its clearest move yet into {T}.",
    "Regulators in {R} have opened a review of how {A} handles {T}.",
]

SENTENCES = [
    "The talks ran for about {m} months and involved the most senior people at both companies.",
    "{A} said the new terms apply from the {q} quarter, with some parts phased in over {k} years.",
    "Neither side gave financial details, but filings point to a commitment above ${n} billion.",
    "Analysts estimate that {A} now spends about {pct}% of its capital budget on AI infrastructure.",
    "The change lets {B} sell {P} to customers that had been tied to a single provider.",
    "Banks and hospitals have asked for exactly this kind of flexibility for years.",
    "{who} said the terms look like earlier cloud deals, where exclusivity rarely lasted.",
    "{A} has been under pressure to show that its spending on AI turns into lasting revenue.",
    "People familiar with the plans said {B} had prepared for this outcome since last year.",
    "The timing coincides with closer scrutiny from regulators in {R}.",
    "For developers, the practical change is simpler buying and, probably, lower prices.",
    "Several large customers already run the same workloads on two or more clouds.",
    "Executives at {A} described the move as a response to demand, not a concession.",
    "Lead times for the most capable accelerators still stretch to {m} months.",
    "The agreement keeps {A}'s access to {B}'s models in place until {y}.",
    "Critics say the arrangement still leaves too much control with a few large providers.",
    "Power, more than chips, now limits how fast new capacity can come online in {R}.",
    "Shares of {A} moved about {pct2}% in extended trading after the news.",
    "The company said it would publish a technical report within {k} weeks.",
    "Partners heard about the change in a series of calls that began on {day}.",
    "Prices for the new tier start at ${price} per million tokens, below comparable offers from {B}.",
    "Buyers in regulated industries rank data residency and audit trails above raw model quality.",
    "A revenue-sharing clause runs until {y}, with a cap that was not disclosed.",
    "Open-weight models from {B} and others have narrowed the gap on common tests.",
    "Lawyers said the new structure could make antitrust reviews in {R} simpler.",
    "Staff were told that the reorganization would not lead to layoffs this year.",
    "The change follows months of friction between the two companies over {T}.",
    "A site in {R} is expected to draw about {mw} megawatts once it is fully built.",
    "Investors have valued the company at several times its revenue, a bet on growth rather than profit.",
    "The first customers will get access in {month}, with a wider release later in the year.",
    "Some of the work will move to {cloud}, which has spare capacity in {R}.",
    "Engineers at {B} had argued internally for a faster schedule.",
    "The numbers are large even by the standards of an industry used to large numbers.",
    "Smaller rivals say the deal makes it harder for them to compete on {T}.",
    "{A} expects the arrangement to pay for itself within {k} years.",
    "Unions and consumer groups in {R} asked for public hearings before any approval.",
    "The contract includes a review after {m} months, when either side may ask for changes.",
    "Much depends on whether demand for {T} keeps growing at its current pace.",
    "The previous version of the agreement had been signed when the market was a fraction of its size.",
    "{B} declined to comment beyond a short statement welcoming the clarity.",
    "Internal estimates put the cost of the new capacity at about ${n} billion over {k} years.",
    "The move leaves {A} less dependent on any single supplier.",
    "Several board members pushed for stronger safety commitments before signing.",
    "Customers will be able to choose where their data is processed, starting with {R}.",
    "The news arrived a week after {B} reported slower growth in its cloud business.",
    "Competitors are expected to answer with price cuts of their own before the {q} quarter.",
]

DEV_SENTENCES = [
    "For developers, the visible change is in the API.",
    "The new endpoint accepts the same requests as before, with one extra field.",
    "Existing clients keep working; the new options are opt-in.",
    "A short example shows how a client might pick the cheaper option.",
    "Rate limits are unchanged for now, according to the documentation.",
]

BULLETS = [
    "{A} may host {P} on {cloud}",
    "Exclusivity on {T} ends in {month} {y}",
    "The revenue share falls from {pct}% to {pct2}%",
    "{B} keeps a right of first refusal on new capacity",
    "A joint committee reviews the terms every quarter",
    "New prices apply to every API tier, batch included",
    "Existing enterprise contracts stay as they are until renewal",
    "Compute commitments total about ${n}B",
    "Customers can run `{P}` inside their own network",
    "Data-residency guarantees extend to {R}",
    "Safety evaluations are shared with regulators before launch",
    "{A} will report AI revenue separately from next quarter",
]

POINTS = [
    ("New terms", "{A} and {B} revised how they share {T}."),
    ("Exclusivity ends", "{P} becomes available beyond a single cloud."),
    ("Timing", "The change takes effect in the {q} quarter."),
    ("Scrutiny", "Regulators in {R} are watching the deal."),
    ("Prices", "Prices for {P} fall by up to {pct}%."),
    ("Money", "Commitments reach roughly ${n}B over {k} years."),
    ("Customers", "Enterprise buyers gain a choice of provider."),
    ("Access", "{B} keeps preferred access until {y}."),
    ("Capacity", "About {mw} megawatts of new capacity are planned in {R}."),
    ("Rivals", "Competitors are expected to respond within months."),
]

QUOTES = [
    "We are not leaving the partnership; we are making it fit the market we have now.",
    "Exclusivity made sense when there was one supplier of frontier models. There are several now.",
    "Every large customer asks for choice. This gives them choice.",
    "The limit is no longer the model. It is power and permits.",
    "If you build on these models, the practical effect is that prices keep falling.",
    "Nobody signs a contract like this unless they expect demand to keep doubling.",
    "The question is not whether prices fall, but who can afford to cut them first.",
]

TAKEAWAYS = [
    "{A} gets more freedom over {T}, and {B} gets paid for giving it up.",
    "{A} is betting that demand for {T} will keep growing, and is paying ahead of it.",
    "customers of {A} get more choice, and {B} loses some of its hold on them.",
    "the deal trades exclusivity for money, and both sides think they won.",
    "regulators in {R} want to know who controls {T} before the market settles.",
    "prices for AI keep falling, and {A} would rather lead the cut than follow it.",
]

LINKS = [
    ("the company's announcement", "https://{d}/news/{s}-{n}"),
    ("a regulatory filing", "https://filings.example.gov/{y}/{n}.htm"),
    ("the technical report", "https://papers.example.org/abs/{y}.{n}"),
    ("the pricing page", "https://{d}/pricing"),
    ("its developer documentation", "https://docs.{d}/{s}"),
    ("earlier reporting", "https://news.example.com/{y}/{s}-{n}"),
]

BACKLINK_TEXT = [
    "our earlier briefing", "the previous round", "an earlier deal",
    "what changed last time", "the background",
]

IDENTIFIERS = [
    "gpt-large-2", "claude-mid", "gemini-fast", "llama-open-70b", "mistral-medium",
    "command-plus", "qwen-max", "ernie-turbo", "grok-mini", "nova-lite",
]

TERMS = ["Cloud exclusivity", "Revenue share", "Term", "Compute commitment", "Model access",
         "IP rights", "Right of first refusal"]
TERM_VALUES = ["Yes", "No", "Exclusive", "Preferred", "20%", "8%", "5 years", "2032", "$13B", "$80B",
               "Ends", "Unchanged"]

PROFILE_SENTENCES = [
    "{A} was founded in {y} and employs people in {k} countries.",
    "{A} sells to businesses and developers as well as consumers.",
    "Its AI work spans research, products and the infrastructure beneath them.",
    "{A} has partnerships with several of the largest cloud providers.",
    "Most of its revenue still comes from businesses older than its AI efforts.",
    "It publishes research papers and some of its models' weights.",
    "Its leaders have described AI as the company's most important bet.",
]

STORY_SENTENCES = [
    "This thread follows each turn of the story in order, newest last.",
    "The briefings below show how the terms moved, one announcement at a time.",
    "Each step looked small when it happened; read together, they show a clear direction.",
    "Money, chips and regulation pull the story in different directions.",
    "Some of the questions it raises are still open.",
    "Read the briefings in order for the full picture, or start with the latest.",
]

CODE = {
    "rust": [
        """
use std::collections::HashMap;

/// Picks the cheapest provider that serves a region.
fn cheapest<'a>(prices: &'a HashMap<&str, f64>, allowed: &[&str]) -> Option<(&'a str, f64)> {
    prices
        .iter()
        .filter(|(name, _)| allowed.contains(name))
        .map(|(name, price)| (*name, *price))
        .min_by(|a, b| a.1.total_cmp(&b.1))
}

fn main() {
    let mut prices = HashMap::new();
    prices.insert("@MODEL@", @PRICE@);
    prices.insert("fallback", 9.99);
    if let Some((name, price)) = cheapest(&prices, &["@MODEL@", "fallback"]) {
        println!("{name}: ${price:.2} per million tokens");
    }
}
""",
        """
async fn complete(client: &Client, prompt: &str) -> Result<String, Error> {
    let request = Request::new("@MODEL@")
        .max_tokens(@N@)
        .region("@REGION@")
        .prompt(prompt);
    match client.send(request).await {
        Ok(response) => Ok(response.text),
        Err(err) if err.is_rate_limited() => {
            tokio::time::sleep(err.retry_after()).await;
            Box::pin(complete(client, prompt)).await
        }
        Err(err) => Err(err),
    }
}
""",
    ],
    "python": [
        """
import json
import urllib.request

def complete(prompt: str, model: str = "@MODEL@") -> str:
    body = json.dumps({"model": model, "max_tokens": @N@, "prompt": prompt})
    req = urllib.request.Request(
        "https://api.example.com/v1/complete",
        data=body.encode(),
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.load(resp)["text"]

if __name__ == "__main__":
    print(complete("Summarize the new terms in three bullets."))
""",
        """
from dataclasses import dataclass

@dataclass
class Offer:
    provider: str
    price_per_mtok: float
    region: str

def cheapest(offers: list[Offer], region: str = "@REGION@") -> Offer | None:
    local = [o for o in offers if o.region == region]
    return min(local, key=lambda o: o.price_per_mtok, default=None)

print(cheapest([Offer("@MODEL@", @PRICE@, "@REGION@"), Offer("other", 4.0, "@REGION@")]))
""",
    ],
    "json": [
        """
{
  "model": "@MODEL@",
  "region": "@REGION@",
  "pricing": { "input_per_mtok": @PRICE@, "output_per_mtok": 12.0, "batch_discount": 0.5 },
  "limits": { "max_tokens": @N@, "requests_per_minute": 500 },
  "features": ["tools", "json_mode", "vision"]
}
""",
        """
{
  "agreement": "cloud-hosting",
  "exclusive": false,
  "revenue_share": { "before": 20, "after": 8 },
  "regions": ["@REGION@", "us-central"],
  "review": { "committee": true, "cadence": "quarterly" },
  "models": ["@MODEL@"]
}
""",
    ],
}
