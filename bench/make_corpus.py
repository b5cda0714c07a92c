#!/usr/bin/env python3
"""Deterministic benchmark corpus in samplan's content model, with git history.

Usage: make_corpus.py OUT --activities N [--groups G] [--commits C] [--seed S]

Writes OUT/content (a valid samplan site: N activities spread over G groups, two plans each) and
commits it, then C more commits that each change one activity's status, step and reports, so that
history has C + 1 commits. The activity files are also valid Hugo content as they are.
"""
import argparse
import os
import random
import subprocess

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


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--activities", type=int, required=True)
    p.add_argument("--groups", type=int, default=0)
    p.add_argument("--commits", type=int, default=0)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    rng = random.Random(a.seed)
    groups = a.groups or max(1, a.activities // 40)
    c = os.path.join(a.out, "content")
    write(f"{c}/site.toml", 'title = "Benchmark"\norganisation = "Region"\n[rules]\nmax_activities_per_plan = 1000\n')
    regional = 'title = "Regional plan"\nstart = 2024-01-01\nend = 2026-12-31\n'
    for fa, goals in FOCUS:
        regional += f'\n[[focus_areas]]\nid = "{fa}"\ntitle = "Fokus {fa}"\n'
        for g in range(1, goals + 1):
            regional += f'  [[focus_areas.goals]]\n  id = "{fa}-{g}"\n  title = "Mål {g}"\n'
    write(f"{c}/regional/plan.toml", regional)
    steps = "".join(f'\n[[steps]]\nid = "steg-{i}"\ntitle = "Steg {i}"\n' for i in range(1, 9))
    write(f"{c}/processes/vagledning.toml", 'title = "Vägledning"' + steps)
    write(f"{c}/pages/om.md", '+++\ntitle = "Om"\n+++\nOm webbplatsen.\n')
    paths = []
    for n in range(a.activities):
        g = n % groups
        gid = f"grupp-{g:04d}"
        if n < groups:
            write(f"{c}/groups/{gid}/group.toml",
                  f'name = "Grupp {g}"\nprincipals = ["Kommunen", "Regionen"]\n[[members]]\nname = "Ordf {g}"\n'
                  f'principal = "Kommunen"\nrole = "ordförande"\n[[meetings]]\ndate = 2025-02-01\nplan_followed_up = true\n')
            for plan in ("2024", "2025"):
                write(f"{c}/groups/{gid}/plans/{plan}/plan.toml",
                      f'title = "Plan {plan}"\nstart = {plan}-01-01\nend = {plan}-12-31\nstatus = "beslutad"\n'
                      f'decided = {plan}-01-15\nsent_to_office = {plan}-01-20\nrevised = [{plan}-09-01]\n'
                      'analysis = "Analys."\nprocess = "vagledning"\n')
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
