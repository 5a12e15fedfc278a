import { ElMessage, ElMessageBox } from "element-plus";
import { ref } from "vue";
import { useI18n } from "vue-i18n";
import { createTag, createTagGroup, deleteTag, renameTag, setTagMirror } from "@/api/tags";
import type { TagGroupView, TagView } from "@/api/types";
import { errorMessage } from "@/utils/errors";
import { tagNameProblem } from "./data";

/**
 * The tag page's writes: each asks for what it needs (a name, a confirmation), calls the API,
 * reports the outcome once and then calls `changed` so the page reloads.
 */
export function useTagActions(changed: () => Promise<void> | void) {
  const { t } = useI18n();
  /** The tag (or "group") being written; its controls show a spinner. */
  const pending = ref<number | "group" | null>(null);
  const buttons = () => ({ confirmButtonText: t("common.confirm"), cancelButtonText: t("common.cancel") });

  async function askName(title: string, label: string, inputValue = ""): Promise<string | null> {
    try {
      const { value } = await ElMessageBox.prompt(label, title, {
        ...buttons(),
        inputValue,
        inputValidator: (v: string) => {
          const problem = tagNameProblem(v ?? "");
          return problem ? t(`tags.${problem}`) : true;
        },
      });
      return value.trim();
    } catch {
      return null; // cancelled
    }
  }

  async function write(target: number | "group", call: () => Promise<void>, done: string): Promise<void> {
    pending.value = target;
    try {
      await call();
      ElMessage.success(done);
      await changed();
    } catch (err) {
      ElMessage.error(errorMessage(err, t));
    } finally {
      pending.value = null;
    }
  }

  async function newGroup(): Promise<void> {
    const name = await askName(t("tags.newGroup"), t("tags.groupName"));
    if (name) await write("group", () => createTagGroup(name), t("tags.groupCreated"));
  }
  async function newTag(group: TagGroupView): Promise<void> {
    const name = await askName(`${t("tags.newTag")} · ${group.name}`, t("tags.tagName"));
    if (name) await write(group.id, () => createTag(group.id, name), t("tags.created"));
  }
  async function rename(tag: TagView): Promise<void> {
    const name = await askName(t("tags.rename"), t("tags.tagName"), tag.name);
    if (name && name !== tag.name) await write(tag.id, () => renameTag(tag.id, name), t("tags.renamed"));
  }
  async function remove(tag: TagView): Promise<void> {
    try {
      await ElMessageBox.confirm(t("tags.deleteConfirm", { name: tag.name, count: tag.customers }), t("tags.delete"), {
        ...buttons(),
        type: "warning",
      });
    } catch {
      return;
    }
    await write(tag.id, () => deleteTag(tag.id), t("tags.deleted"));
  }
  async function mirror(tag: TagView, on: boolean): Promise<void> {
    await write(tag.id, () => setTagMirror(tag.id, on), on ? t("tags.mirrorOn") : t("tags.mirrorOff"));
  }

  return { pending, newGroup, newTag, rename, remove, mirror };
}
