/** Response shapes of the WeCom APIs Siyu uses (wecom.md). Only fields Siyu reads are typed. */

export interface WecomBase {
  errcode: number;
  errmsg: string;
}

export interface WecomUser {
  userid: string;
  name: string;
  mobile?: string;
  department?: number[];
  position?: string;
  avatar?: string;
  status?: number;
}

export interface ExternalContact {
  external_userid: string;
  name: string;
  avatar?: string;
  type: number;
  gender: number;
  unionid?: string;
  corp_name?: string;
}

export interface FollowInfo {
  userid: string;
  remark?: string;
  description?: string;
  createtime: number;
  tag_id?: string[];
  remark_mobiles?: string[];
  oper_userid?: string;
  add_way?: number;
  state?: string;
}

export interface BatchGetByUserResult {
  external_contact_list: { external_contact: ExternalContact; follow_info: FollowInfo }[];
  next_cursor: string;
  fail_info?: { unlicensed_userid_list?: string[] };
}

export interface ExternalContactDetail {
  external_contact: ExternalContact;
  follow_user: (Omit<FollowInfo, "tag_id"> & {
    tags?: { group_name: string; tag_name: string; type: number; tag_id?: string }[];
  })[];
  next_cursor?: string;
}

export interface CorpTagGroup {
  group_id: string;
  group_name: string;
  create_time: number;
  order: number;
  deleted?: boolean;
  tag: { id: string; name: string; create_time: number; order: number; deleted?: boolean }[];
}

export interface GroupChatListItem {
  chat_id: string;
  status: number;
}

export interface GroupChatDetail {
  chat_id: string;
  name: string;
  owner: string;
  create_time: number;
  notice?: string;
  member_list: {
    userid: string;
    type: number;
    unionid?: string;
    join_time: number;
    join_scene: number;
    invitor?: { userid: string };
    group_nickname?: string;
    name?: string;
    state?: string;
  }[];
  admin_list?: { userid: string }[];
  member_version?: string;
}

export interface GroupStatisticData {
  new_chat_cnt: number;
  chat_total: number;
  chat_has_msg: number;
  new_member_cnt: number;
  member_total: number;
  member_has_msg: number;
  msg_total: number;
  migrate_trainee_chat_cnt?: number;
}

export type MsgAttachment =
  | { msgtype: "image"; image: { media_id?: string; pic_url?: string } }
  | { msgtype: "link"; link: { title: string; picurl?: string; desc?: string; url: string } }
  | { msgtype: "miniprogram"; miniprogram: { title: string; pic_media_id: string; appid: string; page: string } }
  | { msgtype: "video"; video: { media_id: string } }
  | { msgtype: "file"; file: { media_id: string } };

export interface AddMsgTemplateRequest {
  chat_type: "single" | "group";
  external_userid?: string[];
  chat_id_list?: string[];
  sender?: string;
  allow_select?: boolean;
  text?: { content: string };
  attachments?: MsgAttachment[];
}

/** One mass send in get_groupmsg_list_v2 (wecom.md §5.2): no creator when the API created it. */
export interface GroupmsgListItem {
  msgid: string;
  creator?: string;
  /** a string in the doc's sample, a number in SDKs: read with Number() */
  create_time: string | number;
  create_type: 0 | 1;
  text?: { content: string };
  attachments?: Record<string, unknown>[];
}

export interface SendResultItem {
  external_userid?: string;
  chat_id?: string;
  userid: string;
  status: 0 | 1 | 2 | 3;
  send_time?: number;
}

export interface TextCard {
  title: string;
  description: string;
  url: string;
  btntxt?: string;
}

export interface MessageSendResult {
  invaliduser?: string;
  invalidparty?: string;
  invalidtag?: string;
  unlicenseduser?: string;
  msgid?: string;
}
