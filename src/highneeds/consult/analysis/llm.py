"""Theme back end that asks an OpenAI-compatible chat endpoint (e.g. a local llama.cpp or vLLM).

Two steps: the model reads a seeded sample of answers and proposes themes (label, description);
then it reads every answer in batches and names the themes each expresses. Only the answers'
text and a short instruction are sent, with no respondent details. Temperature 0 and the seed
are passed so a server that honours them gives repeatable results.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import numpy as np

from highneeds.consult.analysis.themes import Discovery, distinctive_terms, make_vectorizer
from highneeds.errors import ModelInputError
from highneeds.progress import Progress, no_progress

#: The slow step, as a progress bar names it: every answer is sent, 20 to a request.
ASSIGNING = "Asking the model which themes each answer expresses"

PROPOSE = (
    "You are helping a council analyse answers to a public consultation question about support "
    "for children with special educational needs. Read the answers below and propose between "
    "{low} and {high} themes that together cover what people said. Give each a short neutral "
    "label (a topic, not an opinion: support and opposition belong to the same theme) and a "
    'one-sentence description. Reply with JSON only: {{"themes": [{{"label": "...", '
    '"description": "..."}}]}}\n\nAnswers:\n{answers}'
)
ASSIGN = (
    "Themes:\n{themes}\n\nFor each answer below, list the numbers of every theme it expresses "
    "(none if it expresses none). Reply with JSON only: "
    '{{"assignments": {{"<answer number>": [<theme numbers>]}}}}\n\nAnswers:\n{answers}'
)


def _json_in(content: str) -> dict:
    """The JSON object in a model reply, tolerating code fences or words around it."""
    start, end = content.find("{"), content.rfind("}")
    if start < 0 or end <= start:
        raise ValueError("no JSON object in the reply")
    return json.loads(content[start : end + 1])


class LlmBackend:
    """Propose and assign themes with a chat model at ``url`` (the API base, e.g. .../v1)."""

    def __init__(
        self,
        url: str,
        model: str = "default",
        api_key: str | None = None,
        timeout: float = 60.0,
        sample_size: int = 80,
        batch_size: int = 20,
    ):
        self.url = url
        self.model = model
        self.api_key = api_key
        self.timeout = timeout
        self.sample_size = sample_size
        self.batch_size = batch_size

    def _chat(self, prompt: str, seed: int) -> dict:
        if not self.url.startswith(("http://", "https://")):
            raise ModelInputError(f"the LLM URL must start with http:// or https://: {self.url!r}")
        body = json.dumps(
            {
                "model": self.model,
                "messages": [{"role": "user", "content": prompt}],
                "temperature": 0,
                "seed": seed,
            }
        ).encode()
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        request = urllib.request.Request(  # noqa: S310 (scheme checked above)
            self.url.rstrip("/") + "/chat/completions", data=body, headers=headers, method="POST"
        )
        try:
            # The scheme is checked above; the URL is the user's own setting.
            with urllib.request.urlopen(request, timeout=self.timeout) as reply:  # noqa: S310
                payload = json.load(reply)
            return _json_in(payload["choices"][0]["message"]["content"])
        except (urllib.error.URLError, TimeoutError) as error:
            raise ModelInputError(
                f"could not reach the LLM endpoint at {self.url}: {error}; check the URL and "
                "that the server is running, or use backend='tfidf'"
            ) from error
        except (KeyError, IndexError, ValueError) as error:
            raise ModelInputError(
                f"the LLM endpoint at {self.url} did not return the JSON asked for ({error}); "
                "try another model or backend='tfidf'"
            ) from error

    def discover(
        self, texts: list[str], n_themes: int | str, seed: int, progress: Progress = no_progress
    ) -> Discovery:
        rng = np.random.default_rng(seed)
        sample = np.sort(
            rng.choice(len(texts), size=min(len(texts), self.sample_size), replace=False)
        )
        low, high = (3, 12) if n_themes == "auto" else (int(n_themes), int(n_themes))
        numbered = "\n".join(f"- {texts[i]}" for i in sample)
        proposed = self._chat(PROPOSE.format(low=low, high=high, answers=numbered), seed)
        themes = [t for t in proposed.get("themes", []) if str(t.get("label", "")).strip()]
        if not themes:
            raise ModelInputError(f"the LLM endpoint at {self.url} proposed no themes")
        listing = "\n".join(
            f"{n}. {t['label']}: {t.get('description', '')}" for n, t in enumerate(themes, 1)
        )
        weights = np.zeros((len(texts), len(themes)))
        progress(ASSIGNING, 0, len(texts))
        for start in range(0, len(texts), self.batch_size):
            batch = range(start, min(start + self.batch_size, len(texts)))
            answers = "\n".join(f"{i - start + 1}. {texts[i]}" for i in batch)
            reply = self._chat(ASSIGN.format(themes=listing, answers=answers), seed)
            for key, numbers in dict(reply.get("assignments", {})).items():
                try:
                    row = start + int(key) - 1
                except ValueError:
                    continue  # a key that is not an answer number: the answer stays uncoded
                if row not in batch:
                    continue
                for number in numbers or []:
                    if isinstance(number, int) and 1 <= number <= len(themes):
                        weights[row, number - 1] = 1.0
            progress(ASSIGNING, batch.stop, len(texts))
        vectorizer = make_vectorizer(min_df=1)
        matrix = vectorizer.fit_transform(texts)
        top = distinctive_terms(matrix, weights, vectorizer.get_feature_names_out())
        return Discovery(
            weights=weights,
            top_terms=top,
            labels=[str(t["label"]).strip() for t in themes],
            descriptions=[str(t.get("description", "")).strip() for t in themes],
        )
