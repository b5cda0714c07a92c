#!/usr/bin/env python3
"""Deterministic benchmark corpus in samplan's content model, with git history.

Usage: make_corpus.py OUT --activities N [--groups G] [--commits C] [--seed S] [--shape flat|deep]

Writes OUT/content (a valid samplan site: N activities spread over G groups, two plans each) and
a git history of C + 1 commits. The activity files are also valid Hugo content as they are.

--shape flat (the default, the shape of the earlier figures): the first commit adds the site, then
C commits each change one activity's status, step and reports, one `git commit` each (so each
activity has about C / N + 1 revisions, and git's automatic gc leaves some objects loose).

--shape deep (a content repository edited every week for years): N defaults to 1,000 in groups of
20 (G = N / 20). Each of the C commits is one group's edit of 1 to 6 of its activities (status,
step, reports, indicator values, sentences of the body text, each revision changing a few of
these), so that at 10,000 commits an activity has some 35 revisions. Author dates run from
2020-01-06, a week apart, or closer when C weeks would pass 2025-12-15. The history is written by
one `git fast-import` (commits marked :1 to :C+1 in order), then `git gc` packs it as git's
automatic gc would have in a repository used for years (one pack, deltas, a commit-graph, no loose
objects), the work tree is checked out from HEAD and the index refreshed: `git status` is clean.
"""
import argparse
import os
import random
import subprocess
import time

FOCUS = [("tidiga-insatser", 3), ("suicidprevention", 2), ("samordnade-insatser", 3), ("delaktighet", 3)]
STATUS = ["planerad", "pågår", "avslutad"]


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def activity(rng, gid, n, status, step, reports):
    fa, goals = FOCUS[n % len(FOCUS)]
    goal = f"{fa}-{1 + n % goals}"
    lines = [
        "+++",
        f'title = "Aktivitet {n} i {gid}"',
        f'target_group = "{"vuxna" if n % 2 else "barn-och-unga"}"',
        f'focus_area = "{fa}"',
        f'goal = "{goal}"',
        f"step = {step}",
        f'status = "{status}"',
        "start = 2025-01-01",
        "end = 2025-12-31",
        f"priority = {n % 7 + 1}",
        "",
        "[assignment]",
        'scope = "Vad uppdraget gäller."',
        'goal = "Vad vi vill uppnå."',
        'reporting = "Muntligt vid varje möte."',
        'final_report_form = "Skriftlig rapport."',
        "",
        "[[working_group]]",
        f'name = "Person {n}A"',
        'principal = "Kommunen"',
        "convener = true",
        "",
        "[[working_group]]",
        f'name = "Person {n}B"',
        'principal = "Regionen"',
        "",
        "[[subgoals]]",
        'title = "Första delmålet"',
        'responsible = "Arbetsgruppen"',
        "due = 2025-06-30",
        "done = true",
        "",
        "[[indicators]]",
        'id = "antal"',
        'title = "Antal nådda"',
        'unit = "personer"',
        "baseline = { date = 2025-01-01, value = 0 }",
        f"target = {{ date = 2025-12-31, value = {rng.randint(50, 500)} }}",
        f"values = [ {{ date = 2025-06-30, value = {rng.randint(10, 300)} }} ]",
    ]
    for r in range(reports):
        lines += ["", "[[reports]]", f"date = 2025-{3 + 3 * r:02d}-15", 'progress = "Arbetet går enligt plan."',
                  'works_well = "Samarbetet."', 'works_less_well = "Tiden räcker inte."', "on_schedule = true"]
    if status == "avslutad":
        lines += ["", "[final_report]", "date = 2025-12-15", 'goal_reached = "Målet nåddes."',
                  'added_value = "Bättre samordning."', 'use_of_results = "Rutinen används."', "sent_to_office = 2025-12-20"]
    lines += ["+++", "", f"Aktivitet {n} beskrivs här för allmänheten. " * 5, "",
              "- en punkt\n- en till\n", "| a | b |\n|---|---|\n| 1 | 2 |", ""]
    return "\n".join(lines)



WORDS = ("arbetsgruppen kommunen regionen skolan elevhälsan socialtjänsten vården föreningarna "
         "träffarna insatsen rutinen samverkan uppföljningen deltagarna föräldrarna personalen "
         "planerar genomför följer upp utvecklar samlar bjuder in ser över dokumenterar stärker "
         "under våren hösten varje månad tillsammans med i början av efter mötet enligt planen "
         "fler färre tydligare bättre nya gemensamma lokala regionala").split()


def sentence(rng):
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 12))]
    return " ".join(words).capitalize() + "."


def paragraph(rng):
    return " ".join(sentence(rng) for _ in range(rng.randint(3, 5)))


def deep_state(rng, n, gid, plan):
    return {"n": n, "gid": gid, "plan": plan, "status": "planerad", "step": 1, "reports": [],
            "values": [rng.randint(5, 40)], "target": rng.randint(50, 500),
            "body": [paragraph(rng) for _ in range(rng.randint(2, 4))]}


def deep_activity(st):
    n, gid = st["n"], st["gid"]
    fa, goals = FOCUS[n % len(FOCUS)]
    lines = [
        "+++",
        f'title = "Aktivitet {n} i {gid}"',
        f'target_group = "{"vuxna" if n % 2 else "barn-och-unga"}"',
        f'focus_area = "{fa}"',
        f'goal = "{fa}-{1 + n % goals}"',
        f"step = {st['step']}",
        f'status = "{st["status"]}"',
        "start = 2025-01-01",
        "end = 2025-12-31",
        f"priority = {n % 7 + 1}",
        "",
        "[assignment]",
        'scope = "Vad uppdraget gäller."',
        'goal = "Vad vi vill uppnå."',
        'reporting = "Muntligt vid varje möte."',
        'final_report_form = "Skriftlig rapport."',
        "",
        "[[working_group]]",
        f'name = "Person {n}A"',
        'principal = "Kommunen"',
        "convener = true",
        "",
        "[[working_group]]",
        f'name = "Person {n}B"',
        'principal = "Regionen"',
        "",
        "[[subgoals]]",
        'title = "Första delmålet"',
        'responsible = "Arbetsgruppen"',
        "due = 2025-06-30",
        f"done = {'true' if st['step'] > 4 else 'false'}",
        "",
        "[[indicators]]",
        'id = "antal"',
        'title = "Antal nådda"',
        'unit = "personer"',
        "baseline = { date = 2025-01-01, value = 0 }",
        f"target = {{ date = 2025-12-31, value = {st['target']} }}",
        "values = [",
    ]
    lines += [f"  {{ date = 2025-{m + 1:02d}-28, value = {v} }}," for m, v in enumerate(st["values"])]
    lines.append("]")
    for r, (progress, on_schedule) in enumerate(st["reports"]):
        lines += ["", "[[reports]]", f"date = 2025-{3 + 3 * r:02d}-15", f'progress = "{progress}"',
                  'works_well = "Samarbetet."', 'works_less_well = "Tiden räcker inte."',
                  f"on_schedule = {'true' if on_schedule else 'false'}"]
    if st["status"] == "avslutad":
        lines += ["", "[final_report]", "date = 2025-12-15", 'goal_reached = "Målet nåddes."',
                  'added_value = "Bättre samordning."', 'use_of_results = "Rutinen används."', "sent_to_office = 2025-12-20"]
    lines += ["+++", ""]
    for para in st["body"]:
        lines += [para, ""]
    lines += ["- en punkt\n- en till\n", "| a | b |\n|---|---|\n| 1 | 2 |", ""]
    return "\n".join(lines)


def deep_edit(rng, st):
    """One revision: a few of the activity's fields change, as at a group's meeting."""
    kinds = rng.sample(["status", "step", "report", "value", "body", "body"], rng.randint(1, 3))
    for kind in kinds:
        if kind == "status":
            order = ["planerad", "pågår", "avslutad"]
            i = order.index(st["status"])
            st["status"] = order[min(i + 1, 2)] if rng.random() < 0.7 else order[max(i - 1, 0)]
        elif kind == "step":
            st["step"] = min(8, max(1, st["step"] + rng.choice((-1, 1, 1))))
        elif kind == "report":
            if len(st["reports"]) < 3 and rng.random() < 0.5:
                st["reports"].append((sentence(rng), rng.random() < 0.8))
            elif st["reports"]:
                r = rng.randrange(len(st["reports"]))
                st["reports"][r] = (sentence(rng), rng.random() < 0.8)
            else:
                st["reports"].append((sentence(rng), True))
        elif kind == "value":
            if len(st["values"]) < 12 and rng.random() < 0.5:
                st["values"].append(st["values"][-1] + rng.randint(0, 30))
            else:
                st["values"][-1] += rng.randint(1, 10)
        else:
            body = st["body"]
            roll = rng.random()
            if roll < 0.15 and len(body) < 8:
                body.insert(rng.randint(0, len(body)), paragraph(rng))
            elif roll < 0.25 and len(body) > 2:
                del body[rng.randrange(len(body))]
            else:
                p = rng.randrange(len(body))
                sentences = body[p].split(". ")
                sentences[rng.randrange(len(sentences))] = sentence(rng).rstrip(".")
                body[p] = ". ".join(sentences)
                if not body[p].endswith("."):
                    body[p] += "."


def make_deep(a, rng):
    groups = a.groups or max(1, a.activities // 20)
    files = static_files(groups)
    states, members = [], [[] for _ in range(groups)]
    for n in range(a.activities):
        g = n % groups
        plan = "2025" if n % 3 else "2024"
        states.append(deep_state(rng, n, f"grupp-{g:04d}", plan))
        members[g].append(n)
    path = lambda st: f"content/groups/{st['gid']}/plans/{st['plan']}/activities/aktivitet-{st['n']:06d}.md"
    for st in states:
        files[path(st)] = deep_activity(st)

    os.makedirs(a.out, exist_ok=True)
    git = lambda *cmd, **kw: subprocess.run(("git", "-c", "gc.auto=0") + cmd, cwd=a.out, check=True, **kw)
    git("init", "-q", "-b", "main")
    git("config", "user.name", "Bench")
    git("config", "user.email", "bench@example.org")
    fi = subprocess.Popen(["git", "fast-import", "--quiet", "--done"], cwd=a.out, stdin=subprocess.PIPE)
    out = fi.stdin

    def data(text):
        b = text.encode("utf-8")
        out.write(b"data %d\n" % len(b) + b + b"\n")

    start, end, week = 1578301200, 1765800000, 7 * 86400  # 2020-01-06 09:00 UTC, 2025-12-15
    step = min(week, (end - start) // max(1, a.commits))

    def commit(mark, when, message, changed):
        out.write(b"commit refs/heads/main\nmark :%d\n" % mark)
        out.write(b"author Bench <bench@example.org> %d +0100\n" % when)
        out.write(b"committer Bench <bench@example.org> %d +0100\n" % when)
        data(message)
        if mark > 1:
            out.write(b"from :%d\n" % (mark - 1))
        for p in sorted(changed):
            out.write(f"M 100644 inline {p}\n".encode("utf-8"))
            data(changed[p])

    commit(1, start, "Första versionen\n", files)
    for i in range(a.commits):
        g = rng.randrange(groups)
        chosen = rng.sample(members[g], min(len(members[g]), rng.randint(1, 6)))
        changed = {}
        for n in chosen:
            deep_edit(rng, states[n])
            changed[path(states[n])] = deep_activity(states[n])
        commit(i + 2, start + (i + 1) * step, f"Grupp {g}: {len(chosen)} aktiviteter uppdaterade\n", changed)
    out.write(b"done\n")
    out.close()
    if fi.wait() != 0:
        raise SystemExit("git fast-import failed")
    git("gc", "-q")
    git("reset", "-q", "--hard", "main")
    time.sleep(2.1)  # files written in the index's second are racily clean until the index is newer
    git("update-index", "-q", "--really-refresh")
    dirty = git("status", "--porcelain", capture_output=True, text=True).stdout
    if dirty:
        raise SystemExit("work tree differs from HEAD after the import:\n" + dirty)

def static_files(groups):
    """Everything but the activities, by path under the corpus folder."""
    files = {"content/site.toml":
             'title = "Benchmark"\norganisation = "Region"\n[rules]\nmax_activities_per_plan = 1000\n'}
    regional = 'title = "Regional plan"\nstart = 2024-01-01\nend = 2026-12-31\n'
    for fa, goals in FOCUS:
        regional += f'\n[[focus_areas]]\nid = "{fa}"\ntitle = "Fokus {fa}"\n'
        for g in range(1, goals + 1):
            regional += f'  [[focus_areas.goals]]\n  id = "{fa}-{g}"\n  title = "Mål {g}"\n'
    files["content/regional/plan.toml"] = regional
    steps = "".join(f'\n[[steps]]\nid = "steg-{i}"\ntitle = "Steg {i}"\n' for i in range(1, 9))
    files["content/processes/vagledning.toml"] = 'title = "Vägledning"' + steps
    files["content/pages/om.md"] = '+++\ntitle = "Om"\n+++\nOm webbplatsen.\n'
    for g in range(groups):
        gid = f"grupp-{g:04d}"
        files[f"content/groups/{gid}/group.toml"] = (
            f'name = "Grupp {g}"\nprincipals = ["Kommunen", "Regionen"]\n[[members]]\nname = "Ordf {g}"\n'
            f'principal = "Kommunen"\nrole = "ordförande"\n[[meetings]]\ndate = 2025-02-01\nplan_followed_up = true\n')
        for plan in ("2024", "2025"):
            files[f"content/groups/{gid}/plans/{plan}/plan.toml"] = (
                f'title = "Plan {plan}"\nstart = {plan}-01-01\nend = {plan}-12-31\nstatus = "beslutad"\n'
                f'decided = {plan}-01-15\nsent_to_office = {plan}-01-20\nrevised = [{plan}-09-01]\n'
                'analysis = "Analys."\nprocess = "vagledning"\n')
    return files


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--activities", type=int, default=1000)
    p.add_argument("--groups", type=int, default=0)
    p.add_argument("--commits", type=int, default=0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--shape", choices=("flat", "deep"), default="flat")
    a = p.parse_args()
    rng = random.Random(a.seed)
    if a.shape == "deep":
        make_deep(a, rng)
        return
    groups = a.groups or max(1, a.activities // 40)
    c = os.path.join(a.out, "content")
    for path, text in static_files(groups).items():
        write(os.path.join(a.out, path), text)
    paths = []
    for n in range(a.activities):
        g = n % groups
        gid = f"grupp-{g:04d}"
        plan = "2025" if n % 3 else "2024"
        path = f"{c}/groups/{gid}/plans/{plan}/activities/aktivitet-{n:06d}.md"
        write(path, activity(rng, gid, n, STATUS[n % 3], 1 + n % 8, 2))
        paths.append((path, n, gid))
    env = dict(os.environ, GIT_AUTHOR_NAME="Bench", GIT_AUTHOR_EMAIL="bench@example.org",
               GIT_COMMITTER_NAME="Bench", GIT_COMMITTER_EMAIL="bench@example.org",
               GIT_AUTHOR_DATE="2025-01-01T12:00:00", GIT_COMMITTER_DATE="2025-01-01T12:00:00")
    run = lambda *cmd: subprocess.run(cmd, cwd=a.out, env=env, check=True, stdout=subprocess.DEVNULL)
    run("git", "init", "-q", "-b", "main")
    run("git", "add", "-A")
    run("git", "commit", "-q", "-m", "Första versionen")
    for i in range(a.commits):
        path, n, gid = paths[rng.randrange(len(paths))]
        write(path, activity(rng, gid, n, STATUS[(n + i) % 3], 1 + (n + i) % 8, 1 + i % 3))
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"2025-{1 + i * 11 // max(1, a.commits):02d}-{1 + i % 28:02d}T12:00:00"
        run("git", "commit", "-q", "-am", f"Ändring {i}")


if __name__ == "__main__":
    main()
