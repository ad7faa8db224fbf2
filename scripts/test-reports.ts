// What `npm test` reads from the runners' JSON reports: counts, and the failed tests by name with their first error
// line (repeated after the summary, because CI keeps only the end of the output).
import path from "node:path";
import { stripVTControlCharacters } from "node:util";

export type Tally = { passed: number; failed: number; skipped: number };

const firstLine = (message: unknown) =>
  stripVTControlCharacters(String(message ?? ""))
    .split("\n")
    .find((line) => line.trim())
    ?.trim() ?? "";

type VitestReport = {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  testResults: {
    name: string;
    status: string;
    message?: string;
    assertionResults: { status: string; fullName: string; failureMessages?: string[] }[];
  }[];
};

export function vitestTally(report: VitestReport): Tally {
  return {
    passed: report.numPassedTests,
    failed: report.numFailedTests,
    skipped: report.numPendingTests + report.numTodoTests,
  };
}

export function vitestFailures(suite: string, report: VitestReport): string[] {
  return report.testResults.flatMap((file) => {
    const where = `${suite}: ${path.relative(".", file.name)}`;
    const failed = file.assertionResults.filter((test) => test.status === "failed");
    const lines = failed.map((test) => `${where} › ${test.fullName} — ${firstLine(test.failureMessages?.[0])}`);
    // A file that failed outside any test (import error, hook) has no failed test of its own.
    if (file.status === "failed" && failed.length === 0) lines.push(`${where} — ${firstLine(file.message)}`);
    return lines;
  });
}

type PlaywrightSuite = { suites?: PlaywrightSuite[]; specs?: PlaywrightSpec[] };
type PlaywrightSpec = {
  title: string;
  file: string;
  line: number;
  ok: boolean;
  tests: { status: string; results: { error?: { message?: string } }[] }[];
};
type PlaywrightReport = {
  stats: { expected: number; unexpected: number; flaky: number; skipped: number };
  suites: PlaywrightSuite[];
};

export function playwrightTally(report: PlaywrightReport): Tally {
  return {
    passed: report.stats.expected + report.stats.flaky,
    failed: report.stats.unexpected,
    skipped: report.stats.skipped,
  };
}

const playwrightSpecs = (node: PlaywrightSuite): PlaywrightSpec[] => [
  ...(node.specs ?? []),
  ...(node.suites ?? []).flatMap(playwrightSpecs),
];

const firstError = (spec: PlaywrightSpec) =>
  firstLine(spec.tests.flatMap((test) => test.results).find((result) => result.error)?.error?.message);

export function playwrightFailures(suite: string, report: PlaywrightReport): string[] {
  return report.suites
    .flatMap(playwrightSpecs)
    .filter((spec) => !spec.ok)
    .map((spec) => `${suite}: ${spec.file}:${spec.line} › ${spec.title} — ${firstError(spec)}`);
}

/** Tests that failed first and passed on their retry (counted as passed, and named so they are not forgotten). */
export function playwrightFlaky(suite: string, report: PlaywrightReport): string[] {
  return report.suites
    .flatMap(playwrightSpecs)
    .filter((spec) => spec.tests.some((test) => test.status === "flaky"))
    .map((spec) => `${suite}: ${spec.file}:${spec.line} › ${spec.title} — first run: ${firstError(spec)}`);
}
