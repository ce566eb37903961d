# Writes the seeds of fuzz/corpus/sso_sync_writer: each case in the byte layout arbitrary
# 1.5's Unstructured reads for fuzz_targets/sso_sync_writer.rs (choices from the front,
# string lengths from the end, one byte each; every seed under 256 bytes).
# Run from fuzz/: python3 seed_sso_sync_writer.py corpus/sso_sync_writer
import os, sys
NAMES = ["default","Prod.Admin","Prod.Admin-2","corp","111111111111.Admin","Dev","profile","Admin"]
KEYS = ["region","sso_session","sso_account_id","sso_role_name","credential_process","s3"]

class Enc:
    def __init__(self): self.front=[]; self.tail=[]
    def byte(self,b): self.front.append(b)
    def string(self,s):
        b=s.encode(); assert len(b)<=255
        self.tail.append(len(b)); self.front.extend(b)
    def text(self,s,pool):
        if s in pool: self.byte(0); self.byte(pool.index(s))
        else: self.byte(1); self.string(s)
    def data(self):
        d=bytes(self.front)+bytes(reversed(self.tail)); assert len(d)<=256, len(d); return d

def case(session="corp", region="eu-west-1", template=None, roles=(), lines=(), crlf=False, cred=None):
    e=Enc()
    if session=="corp": e.byte(0)
    else: e.byte(7); e.string(session)
    if region is None: e.byte(0)
    elif region=="eu-west-1": e.byte(1)
    else: e.byte(3); e.string(region)
    if template is None: e.byte(0)
    else: e.byte(3); e.string(template)
    e.byte(len(roles))
    for acct,name,role in roles:
        if isinstance(acct,int): e.byte(0); e.byte(acct)
        else: e.byte(1); e.string(acct)
        e.text(name,["Prod","Dev",""]); e.text(role,["Admin","ReadOnly"])
    e.byte(0 if crlf else 1)
    e.byte(len(lines))
    for kind,*args in lines:
        e.byte(kind)
        if kind in (0,2): e.text(args[0],NAMES)
        elif kind in (3,4): e.text(args[0],KEYS); e.text(args[1],["x","","111111111111"])
        elif kind==5: e.text(args[0],["a = 1","x"])
        elif kind==6: e.text(args[0],["# c","","; c"])
        elif kind==7: e.string(args[0])
        e.byte(0)  # newline after the line
    if cred is None: e.byte(1)
    else: e.byte(0); e.text(cred,NAMES)
    return e.data()

P = "credential_process = touch /tmp/p"
default_cfg = [(1,),(3,"region","x")]
seeds = {
 "issue-new-section": case(roles=[(1,"Prod","Admin\n[profile x]\n"+P),(2,"Prod","Admin")], lines=default_cfg),
 "issue-merge-into-default": case(roles=[(1,"Prod","Admin\n[default]\n"+P)], lines=default_cfg),
 "region-newline": case(region="eu-west-1\n[profile x]\n"+P, roles=[(1,"Prod","Admin")]),
 "account-id-newline": case(roles=[("1\n[profile y]\n"+P,"Prod","Admin"),(3,"Dev","Admin")]),
 "role-bare-cr": case(roles=[(1,"Prod","Admin\r[profile x]\r"+P)], lines=default_cfg),
 "role-comment": case(roles=[(1,"Prod","; Admin"),(2,"Prod","Admin #x")]),
 "role-escapes": case(roles=[(1,"\x00Prod","A\x1b]52;c;eA==\x07"),(2,"Dev","A\u009b2J")]),
 "role-line-separator": case(roles=[(1,"Prod","Admin\u2028[profile x]")]),
 "role-edge-space": case(roles=[(1,"Prod"," Admin"),(2,"Prod","Admin\u3000")]),
 "template-newline": case(template="{account_name}\n[profile t]\n{role_name}", roles=[(1,"Prod","Admin")]),
 "session-newline": case(session="corp]\n[profile s", roles=[(1,"Prod","Admin")]),
 "names-taken": case(roles=[(1,"Prod","Admin"),(2,"Prod","Admin")], lines=[(0,"Prod.Admin"),(3,"region","x")], cred="Prod.Admin-2"),
 "crlf-config": case(roles=[(1,"Dev","ReadOnly")], lines=[(2,"corp"),(3,"sso_region","x"),(5,"a = 1")], crlf=True, region=None),
 "odd-but-writable": case(roles=[(1,"Prod","Admin=[profile x]"),(2,"$(touch /tmp/p)","quo\"te's#;")]),
}
out=sys.argv[1]
for name,data in seeds.items():
    open(os.path.join(out,name),"wb").write(data)
print(len(seeds))
