"""A notifier for tests across processes: appends each message as a JSON line to the
file named by ``RECORDING_NOTIFIER_FILE`` (a worker process and the test both see it)."""

import json
import os


class FileNotifier:
    def send(self, *, phone: str, message: str) -> None:
        with open(os.environ["RECORDING_NOTIFIER_FILE"], "a", encoding="utf-8") as out:
            out.write(json.dumps({"phone": phone, "message": message}, ensure_ascii=False))
            out.write("\n")


def sent(path) -> list[dict]:
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]
