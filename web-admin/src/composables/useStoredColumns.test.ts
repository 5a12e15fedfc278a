import { afterEach, describe, expect, it } from "vitest";
import { nextTick } from "vue";
import { readColumnChoice, useStoredColumns } from "./useStoredColumns";

const KEY = "test.columns";
const ALL = ["name", "owners", "segment", "tags"] as const;

afterEach(() => localStorage.clear());

describe("useStoredColumns", () => {
  it("starts from the defaults and stores a change", async () => {
    const { visible, setVisible } = useStoredColumns(KEY, ALL, ["name", "segment"], ["name"]);
    expect(visible.value).toEqual(["name", "segment"]);
    setVisible(["tags", "owners"]);
    expect(visible.value).toEqual(["name", "owners", "tags"]);
    await nextTick();
    expect(JSON.parse(localStorage.getItem(KEY)!)).toEqual(["name", "owners", "tags"]);
  });

  it("reads the stored choice back, dropping unknown keys", () => {
    localStorage.setItem(KEY, JSON.stringify(["tags", "gone", "name"]));
    expect(readColumnChoice(KEY, ALL)).toEqual(["name", "tags"]);
    expect(useStoredColumns(KEY, ALL, ["name"]).visible.value).toEqual(["name", "tags"]);
  });

  it("ignores junk in storage and can reset", async () => {
    localStorage.setItem(KEY, "{not json");
    const { visible, setVisible, reset } = useStoredColumns(KEY, ALL, ["name", "owners"]);
    expect(visible.value).toEqual(["name", "owners"]);
    setVisible([]);
    reset();
    expect(visible.value).toEqual(["name", "owners"]);
    localStorage.setItem(KEY, JSON.stringify({ a: 1 }));
    expect(readColumnChoice(KEY, ALL)).toBeNull();
  });
});
