#!/usr/bin/env python3
"""Writes one golden input per registry format: <vendor>__<format>.input.

Each file ends with eight lines, in this order (formats_test.cpp checks the order, and
golden_runner the events against <name>.expected.jsonl):

  1. base         a well-formed record of the format
  2. invalid      base with invalid UTF-8 (\\xff, \\xc3\\x28) inside a text value
  3. gbk          base with GBK-encoded Chinese (测试主机) inside that value
  4. nul          base with a NUL byte inside that value and one after the record
  5. long        base with 1 MiB of 'A' inside that value (@@fill, see golden_fill.hpp)
  6. truncated    the first 60 % of base
  7. two          base twice on one line (JSON documents back to back, text after a blank)
  8. wrong types  base with numbers, addresses and times of the wrong type or out of range

Lines before them (Zeek TSV's header) set the parser's state. The value mutated is the one
after the text `at`; `wrong` lists (old, new) replacements. Run from anywhere:
  python3 tests/parsers/golden/formats/generate.py
then `SIEM_UPDATE_GOLDEN=1 golden_runner` per file, and read every changed event.
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
GBK = "测试主机".encode("gbk")
INVALID = b"\xff\xc3\x28"
FILL = b"@@fill(1048576,A)@@"

SPEC = {
    "syslog/rfc3164": dict(
        base='<38>Nov 27 01:02:03 web1 cron[42]: (root) CMD (run-parts /etc/cron.hourly)',
        at="(run-pa",
        wrong=[("<38>", "<3x8>"), ("cron[42]", "cron[4x2]"), ("Nov 27", "Nov 47")]),
    "syslog/rfc5424": dict(
        base='<165>1 2026-11-27T01:02:03.000Z host app 42 ID47 [origin ip="10.0.0.1"] a message',
        at="a mess",
        wrong=[("2026-11-27T01:02:03.000Z", "2026-13-45T99:02:03.000Z"),
               ('ip="10.0.0.1"', 'ip="10.0.0.999"')]),
    "openssh/sshd": dict(
        base="Nov 27 01:02:03 bastion sshd[4242]: Failed password for root from 203.0.113.9 "
             "port 40222 ssh2",
        at="for ro",
        wrong=[("port 40222", "port 4x222"), ("203.0.113.9", "203.0.113.999"),
               ("sshd[4242]", "sshd[-1]")]),
    "suricata/eve": dict(
        base='{"timestamp":"2026-11-27T01:02:03.000000+0000","flow_id":123,"event_type":"alert",'
             '"src_ip":"10.0.0.1","src_port":4444,"dest_ip":"10.0.0.2","dest_port":80,'
             '"proto":"TCP","alert":{"signature_id":1,"signature":"ET POLICY test","severity":2},'
             '"flow":{"bytes_toserver":100,"bytes_toclient":200}}',
        at='"signature":"ET POL',
        wrong=[('"src_port":4444', '"src_port":"4444x"'), ('"signature_id":1', '"signature_id":"one"'),
               ('"dest_ip":"10.0.0.2"', '"dest_ip":2'), ('"severity":2', '"severity":[2]'),
               ('"bytes_toserver":100', '"bytes_toserver":-100'),
               ('"timestamp":"2026-11-27T01:02:03.000000+0000"', '"timestamp":1764205323')]),
    "fortinet/fortigate": dict(
        base='date=2026-11-27 time=01:02:03 devname="FGT60F" devid="FGT60FTK1" logid="0000000013" '
             'type="traffic" subtype="forward" srcip=10.1.1.2 srcport=51234 dstip=8.8.8.8 '
             'dstport=53 proto=17 action="accept" policyname="allow dns" sentbyte=100',
        at='policyname="allow d',
        wrong=[("srcport=51234", "srcport=abc"), ("dstip=8.8.8.8", "dstip=8.8.8.888"),
               ("proto=17", "proto=udp"), ("sentbyte=100", "sentbyte=-100")]),
    "cef/cef": dict(
        base="CEF:0|Fortinet|Fortigate|v5.6.0|00013|traffic:forward close|3|src=10.0.0.1 spt=4000 "
             "dst=10.0.0.2 dpt=80 proto=6 act=close msg=session closed by peer",
        at="msg=session clo",
        wrong=[("spt=4000", "spt=40x0"), ("dst=10.0.0.2", "dst=10.0.0"), ("proto=6", "proto=tcp"),
               ("|3|", "|high|")]),
    "leef/leef": dict(
        base="LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src=10.0.1.8^dst=10.0.0.5^sev=5^srcPort=81"
             "^dstPort=21^usrName=alice^msg=login failed",
        at="msg=login fa",
        wrong=[("sev=5", "sev=high"), ("srcPort=81", "srcPort=eighty"),
               ("src=10.0.1.8", "src=10.0.1.256")]),
    "paloalto/panos": dict(
        base="1,2026/11/26 10:00:00,012345678901,TRAFFIC,end,2049,2026/11/26 10:00:00,10.0.0.5,"
             "8.8.8.8,203.0.113.9,8.8.8.8,allow-dns,,,dns,vsys1,trust,untrust,ethernet1/2,"
             "ethernet1/1,fwd,2026/11/26 10:00:00,4242,1,53535,53,40000,53,0x400019,udp,allow,"
             "180,80,100,2,2026/11/26 09:59:59,0,any,0,77,0x0,10.0.0.0-10.255.255.255,US,0,1,1,"
             "aged-out",
        at=",allow-d",
        wrong=[(",53535,53,40000,", ",5353x,53,40000,"), (",allow,180,80,100,", ",allow,18o,80,-1,"),
               (",10.0.0.5,8.8.8.8,", ",10.0.0.500,8.8.8.8,")]),
    "checkpoint/checkpoint": dict(
        base='<134>1 2026-11-26T10:00:00Z gw1 CheckPoint 26203 - [action:"Accept"; ifdir:"outbound"; '
             'origin:"192.0.2.1"; time:"1795600800"; src:"10.0.0.5"; dst:"8.8.8.8"; proto:"17"; '
             's_port:"53000"; service:"53"; product:"VPN-1 & FireWall-1"; rule_name:"allow dns"]',
        at='rule_name:"allow d',
        wrong=[('s_port:"53000"', 's_port:"5300O"'), ('src:"10.0.0.5"', 'src:"10.0.0.500"'),
               ('proto:"17"', 'proto:"udp"'), ('time:"1795600800"', 'time:"noon"')]),
    "juniper/srx": dict(
        base="<14>Nov 26 10:00:00 srx1 RT_FLOW: RT_FLOW_SESSION_CREATE: session created "
             "10.0.0.5/53000->8.8.8.8/53 0x0 junos-dns-udp 203.0.113.9/40000->8.8.8.8/53 0x0 N/A "
             "N/A N/A N/A 17 allow-dns trust untrust 4242 N/A(N/A) ge-0/0/1.0 UNKNOWN UNKNOWN "
             "UNKNOWN N/A No",
        at=" allow-d",
        wrong=[("10.0.0.5/53000->", "10.0.0.5/5300x->"), (" 17 allow-dns", " udp allow-dns"),
               (" untrust 4242 ", " untrust x42 ")]),
    "f5/bigip": dict(
        base="<134>Nov 26 10:00:00 bigip1 info tmm[12345]: 01260013:4: SSL Handshake failed for TCP "
             "198.51.100.7:40000 -> 192.0.2.80:443",
        at="SSL Handshake fai",
        wrong=[("198.51.100.7:40000", "198.51.100.7:4000x"), ("tmm[12345]", "tmm[x]"),
               ("192.0.2.80:443", "192.0.2.800:443")]),
    "barracuda/cloudgen": dict(
        base="2026 11 26 10:00:00 Security +01:00 Block: type=FWD|proto=UDP|srcIF=eth0|"
             "srcIP=10.0.0.5|srcPort=54915|dstIP=10.0.0.255|dstPort=54915|rule=BLOCKALL|"
             "info=Block by Rule",
        at="info=Block by R",
        wrong=[("srcPort=54915", "srcPort=x"), ("srcIP=10.0.0.5", "srcIP=10.0.0.500"),
               ("+01:00", "+1x:00")]),
    "cisco/asa": dict(
        base="<166>Nov 26 2026 10:00:00 asa01 : %ASA-6-302013: Built outbound TCP connection 11757 "
             "for outside:100.66.205.104/80 (100.66.205.104/80) to inside:172.31.98.44/1772 "
             "(172.31.98.44/1772)",
        at="for outs",
        wrong=[("connection 11757", "connection 1175x"), ("inside:172.31.98.44/1772 ", "inside:172.31.98.44/17x2 "),
               ("outside:100.66.205.104/80 ", "outside:100.66.205.1040/80 ")]),
    "cisco/ios": dict(
        base="*Mar  1 18:46:11.123: %SEC-6-IPACCESSLOGP: list OUTSIDE-IN denied tcp "
             "10.1.1.1(1234) -> 10.2.2.2(80), 1 packet",
        at="list OUTSI",
        wrong=[("(1234)", "(12x4)"), ("10.2.2.2(80)", "10.2.2.256(80)"), (", 1 packet", ", x packet")]),
    "sophos/firewall": dict(
        base='device="SFW" date=2026-11-26 time=10:00:00 timezone="CET" device_name="XG" '
             'device_id=C01001 log_id=010101600001 log_type="Firewall" '
             'log_component="Firewall Rule" log_subtype="Allowed" status="Allow" src_ip=10.0.0.1 '
             'dst_ip=8.8.8.8 protocol="TCP" src_port=51234 dst_port=443 sent_bytes=100',
        at='log_component="Firewall R',
        wrong=[("src_port=51234", "src_port=5123x"), ("dst_ip=8.8.8.8", "dst_ip=8.8.8"),
               ("sent_bytes=100", "sent_bytes=many"), ("time=10:00:00", "time=25:61:00")]),
    "sonicwall/firewall": dict(
        base='id=firewall sn=0017C5000000 time="2026-11-26 10:00:00 UTC" fw=203.0.113.1 pri=6 '
             'c=262144 m=98 msg="Connection Opened" n=1 src=10.0.0.5:51234:X0 '
             'dst=198.51.100.7:443:X1 proto=tcp/https',
        at='msg="Connection Op',
        wrong=[("pri=6", "pri=six"), ("src=10.0.0.5:51234:X0", "src=10.0.0.5:5123x:X0"),
               ("m=98", "m=ninety")]),
    "stormshield/sns": dict(
        base='id=firewall time="2026-11-26 10:00:00" fw="SN210A0000000" tz=+0100 '
             'startime="2026-11-26 10:00:00" pri=5 confid=01 slotlevel=2 ruleid=3 '
             'srcif="Ethernet0" ipproto=tcp proto=http src=10.0.0.5 srcport=51234 '
             'dst=198.51.100.7 dstport=80 action=pass logtype="filter" msg="web access"',
        at='msg="web ac',
        wrong=[("srcport=51234", "srcport=x"), ("dst=198.51.100.7", "dst=198.51.100.700"),
               ("tz=+0100", "tz=CET"), ("pri=5", "pri=five")]),
    "watchguard/firebox": dict(
        base='msg_id="3000-0148" Allow 1-Trusted 0-External 60 tcp 20 64 10.0.0.1 8.8.8.8 51234 443 '
             'offset 10 S 1234 win 65535 (Outgoing-proxy-00)',
        at="(Outgoing-pr",
        wrong=[("51234 443", "5123x 443"), (" 60 tcp", " sixty tcp"), (" 8.8.8.8 ", " 8.8.8.888 ")]),
    "huawei/usg": dict(
        base="<190>2022-01-11 02:36:06 USG6600 %%01SECLOG/6/SESSION_TEARDOWN(l):IPVer=4,"
             "Protocol=tcp,SourceIP=10.1.1.1,DestinationIP=10.2.2.2,SourcePort=33394,"
             "DestinationPort=1433,PolicyName=permit db,CloseReason=tcp-fin.",
        at="PolicyName=permit",
        wrong=[("SourcePort=33394", "SourcePort=3339x"), ("DestinationIP=10.2.2.2", "DestinationIP=10.2.2"),
               ("IPVer=4", "IPVer=four")]),
    "h3c/secpath": dict(
        base="<190>Aug 12 09:01:07 2022 FW %%10FILTER/6/FILTER_ZONE_IPV4_EXECUTION: "
             "SrcZoneName(1025)=Trust;DstZoneName(1035)=Untrust;Protocol(1001)=UDP;"
             "SrcIPAddr(1003)=192.168.1.2;SrcPort(1004)=65192;DstIPAddr(1007)=223.5.5.5;"
             "DstPort(1008)=53;Event(1048)=Permit;",
        at="SrcZoneName(1025)=Tru",
        wrong=[("SrcPort(1004)=65192", "SrcPort(1004)=6519x"),
               ("DstIPAddr(1007)=223.5.5.5", "DstIPAddr(1007)=223.5.5.500"),
               ("DstPort(1008)=53", "DstPort(1008)=99999")]),
    "dptech/fw": dict(
        base="<142> 1 10.0.0.22 Dec 28 16:16:01 2017 FW 54 POLICY:Allow "
             "6|118.184.178.162|14071|221.207.254.61|1433|gige0_16|gige0_17",
        at="|gige0_17",
        wrong=[("|14071|", "|1407x|"), ("|221.207.254.61|", "|221.207.254|"), (" FW 54 ", " FW five ")]),
    "hillstone/stoneos": dict(
        base="<190>Jul  4 16:29:21 3411415223002432(root) 44243641 Traffic@FLOW: SESSION: "
             "192.168.0.8:20530(ethernet0/0)->1.1.1.1:58386(ethernet0/1), Protocol TCP, policy 1, "
             "session start",
        at="(ethernet0/1",
        wrong=[("192.168.0.8:20530(", "192.168.0.8:2053x("), ("->1.1.1.1:", "->1.1.1.1111:"),
               ("policy 1,", "policy one,")]),
    "sangfor/ngaf": dict(
        base="<23>May 25 11:31:48 localhost fwlog: 日志类型:IPS防护日志, 源IP:192.168.200.1, "
             "源端口:1102, 目的IP:192.168.200.100, 目的端口:80, 协议:tcp, 严重等级:高, 动作:拒绝",
        at="日志类型:IPS防护",
        wrong=[("源端口:1102", "源端口:11x2"), ("目的IP:192.168.200.100", "目的IP:192.168.200.1000"),
               ("目的端口:80", "目的端口:99999")]),
    "sangfor/edr": dict(
        base='<165>Sep 14 16:49:01 sangfor EDR.[26566]: anti_bfa : [{"_id":"3cc8","found_time":'
             '1626902415,"att_src":"10.122.18.149","att_times":300,"att_type":"rdp brute force"}]',
        at='"att_type":"rdp br',
        wrong=[('"att_times":300', '"att_times":"300x"'), ('"found_time":1626902415', '"found_time":"yesterday"'),
               ('"att_src":"10.122.18.149"', '"att_src":10')]),
    "nsfocus/nips": dict(
        base="<5>time=2020-06-03 21:21:28;log_type=ips;danger_degree=1;breaking_sighn=0;"
             "event=[50002]TFTP root;src_addr=10.100.110.7;src_port=34534;dst_addr=192.168.124.245;"
             "dst_port=69;proto=TFTP;",
        at="event=[50002]TFTP r",
        wrong=[("src_port=34534", "src_port=3453x"), ("danger_degree=1", "danger_degree=high"),
               ("dst_addr=192.168.124.245", "dst_addr=192.168.124.2450")]),
    "topsec/ngfw": dict(
        base='id=tos time="2006-09-02 15:47:36" fw=TOPSEC pri=6 type=ac recorder=FW-NAT '
             'src=192.168.89.215 dst=192.168.89.121 sport=46136 dport=139 proto=tcp rule=accept '
             'policyid=9178 msg="smb session"',
        at='msg="smb se',
        wrong=[("sport=46136", "sport=4613x"), ("dst=192.168.89.121", "dst=192.168.89"),
               ('time="2006-09-02 15:47:36"', 'time="2006-19-42 15:47:36"')]),
    "venustech/tianyue": dict(
        base='<212>Oct 29 11:50:51 ips IPS: SerialNum=0113201403099999 GenTime="2014-10-29 11:50:51" '
             "SrcIP=192.168.38.28 DstIP=82.244.22.168 Protocol=UDP SrcPort=58380 DstPort=16464 "
             "EventName=udp flood EventID=152340118 EventLevel=2 Action=PASS EvtCount=1",
        at="EventName=udp f",
        wrong=[("SrcPort=58380", "SrcPort=5838x"), ("EventLevel=2", "EventLevel=two"),
               ("DstIP=82.244.22.168", "DstIP=82.244.22"), ("EvtCount=1", "EvtCount=-1")]),
    "qianxin/nsg": dict(
        base='Dec 26 20:13:17 172.24.213.201 devid="3" dname="NSG" '
             'serial="8c151d31ad23faa027b5858bc23ff8e7365baee2" module="flow" severity="info" '
             'vsys="root-vsys" type="traffic-end" time="1577362268" addr_src="192.168.10.100" '
             'addr_dst="62.207.132.137" port_src="55147" port_dst="445" action="deny" appname="SMB" '
             'rule="deny smb" proto="TCP"',
        at='rule="deny s',
        wrong=[('port_src="55147"', 'port_src="5514x"'), ('time="1577362268"', 'time="soon"'),
               ('addr_dst="62.207.132.137"', 'addr_dst="62.207.132"')]),
    "qianxin/skyeye": dict(
        base='<30>skyeye_ids serial_num="eb012245d230f1b80fb845bfbc548ed390728de6" rule_id="51444" '
             'rule_name="SOCKS代理" sip="10.41.0.235" dip="10.95.22.110" sport="54115" dport="1080" '
             'write_date="1663940526" severity="2" attack_result="1" attck_tactic="TA0011" '
             'attck_tech="T1090.002"',
        at='rule_name="SOCKS',
        wrong=[('sport="54115"', 'sport="5411x"'), ('write_date="1663940526"', 'write_date="today"'),
               ('dip="10.95.22.110"', 'dip="10.95.22.1100"'), ('severity="2"', 'severity="high"')]),
    "linux/netfilter": dict(
        base="Nov 27 01:02:03 fw kernel: [UFW BLOCK] IN=eth0 OUT= "
             "MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 SRC=203.0.113.9 DST=10.0.0.2 LEN=60 "
             "TOS=0x00 PREC=0x00 TTL=52 ID=4242 DF PROTO=TCP SPT=40222 DPT=22 WINDOW=64240 "
             "RES=0x00 SYN URGP=0",
        at="[UFW BLO",
        wrong=[("SPT=40222", "SPT=4022x"), ("LEN=60", "LEN=sixty"), ("SRC=203.0.113.9", "SRC=203.0.113")]),
    "linux/auditd": dict(
        base="type=USER_LOGIN msg=audit(1764205323.120:812): pid=4242 uid=0 auid=1000 ses=7 "
             "msg='op=login acct=\"alice\" exe=\"/usr/sbin/sshd\" hostname=? addr=203.0.113.9 "
             "terminal=ssh res=failed'",
        at='acct="ali',
        wrong=[("pid=4242", "pid=42x2"), ("addr=203.0.113.9", "addr=203.0.113.999"),
               ("auid=1000", "auid=-1x")]),
    "linux/auth": dict(
        base="Nov 27 01:02:03 web1 useradd[4242]: new user: name=bob, UID=1001, GID=1001, "
             "home=/home/bob, shell=/bin/bash, from=/dev/pts/0",
        at="home=/home/b",
        wrong=[("UID=1001", "UID=abc"), ("GID=1001", "GID=-1"), ("useradd[4242]", "useradd[x]")]),
    "apache/error": dict(
        base="[Thu Jun 27 06:58:09.169510 2019] [include:warn] [pid 15934] [client 89.160.20.156:12345] "
             "AH01374: mod_include: Options +Includes wasn't set",
        at="Options +Incl",
        wrong=[("[pid 15934]", "[pid 159x4]"), (":12345]", ":1234x]"), ("Jun 27", "Jun 47")]),
    "nginx/error": dict(
        base='2016/10/25 14:49:34 [error] 54053#0: *1 open() "/html/favicon.ico" failed '
             '(2: No such file or directory), client: 127.0.0.1, server: localhost, '
             'request: "GET /favicon.ico HTTP/1.1", host: "localhost:8080"',
        at='open() "/html/favic',
        wrong=[("54053#0", "5405x#0"), ("client: 127.0.0.1", "client: 127.0.0.999"),
               ("2016/10/25", "2016/13/45")]),
    "squid/access": dict(
        base="1642667037.129      0 10.0.4.4 TCP_DENIED/403 3868 CONNECT 1.2.3.4:80 - HIER_NONE/- "
             "text/html",
        at="text/ht",
        wrong=[(" 3868 ", " 38x8 "), ("/403 ", "/4x3 "), ("1642667037.129", "16426x7037.129")]),
    "nginx/access": dict(
        base='10.0.0.2, 89.160.20.1 - - [07/Dec/2016:11:05:07 +0100] "GET /ocelot HTTP/1.1" 200 571 '
             '"-" "Mozilla/5.0" 0.003 0.002 .',
        at='"GET /ocel',
        wrong=[('" 200 571 ', '" 2x0 5x1 '), ("0.003 0.002", "fast slow"),
               ("89.160.20.1 ", "89.160.20.1000 ")]),
    "apache/access": dict(
        base='192.168.33.1 - - [26/Dec/2016:16:22:13 +0000] "GET /hello HTTP/1.1" 404 499 "-" '
             '"Mozilla/5.0"',
        at='"GET /hel',
        wrong=[("404 499", "4o4 -9"), ("[26/Dec/2016:16:22:13", "[26/Dex/2016:16:22:13")]),
    "windows/xml": dict(
        base="<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
             "<Provider Name='Microsoft-Windows-Security-Auditing'/><EventID>4625</EventID>"
             "<TimeCreated SystemTime='2026-11-27T01:02:03.000Z'/><Channel>Security</Channel>"
             "<Computer>pc1</Computer></System><EventData><Data Name='TargetUserName'>bob</Data>"
             "<Data Name='IpAddress'>10.0.0.5</Data><Data Name='IpPort'>50000</Data></EventData>"
             "</Event>",
        at="'TargetUserName'>b",
        wrong=[("<EventID>4625</EventID>", "<EventID>four</EventID>"),
               ("'IpPort'>50000<", "'IpPort'>5x000<"), ("'IpAddress'>10.0.0.5<", "'IpAddress'>10.0.0.500<"),
               ("SystemTime='2026-11-27T01:02:03.000Z'", "SystemTime='yesterday'")]),
    "zeek/tsv": dict(
        pre=["#separator \\x09", "#set_separator\t,", "#empty_field\t(empty)", "#unset_field\t-",
             "#path\tconn", "#open\t2026-11-26-10-00-00",
             "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\t"
             "duration\torig_bytes\tresp_bytes\tconn_state",
             "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\t"
             "string"],
        base="1764151200.250000\tCT1x\t10.0.0.5\t51515\t93.184.216.34\t443\ttcp\tssl\t2.000001\t"
             "520\t4200\tSF",
        at="\tCT1",
        join="\t",
        wrong=[("\t51515\t", "\t5151x\t"), ("\t520\t4200\t", "\t-5\tlots\t"),
               ("1764151200.250000", "yesterday"), ("\t93.184.216.34\t", "\t93.184.216\t")]),
    "windows/evtx-json": dict(
        base='{"Event":{"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Security-'
             'Auditing"}},"EventID":4624,"Channel":"Security","Computer":"pc1","TimeCreated":'
             '{"#attributes":{"SystemTime":"2026-11-27T01:02:03.000Z"}}},"EventData":'
             '{"TargetUserName":"bob","IpAddress":"10.0.0.5","IpPort":"50000","LogonType":3}}}',
        at='"TargetUserName":"bo',
        wrong=[('"EventID":4624', '"EventID":"4624x"'), ('"IpAddress":"10.0.0.5"', '"IpAddress":5'),
               ('"IpPort":"50000"', '"IpPort":{"x":1}'), ('"LogonType":3', '"LogonType":"three"')]),
    "windows/winlogbeat": dict(
        base='{"@timestamp":"2026-11-27T01:02:03.000Z","winlog":{"event_id":"4625","channel":'
             '"Security","computer_name":"pc1","provider_name":"Microsoft-Windows-Security-Auditing",'
             '"event_data":{"TargetUserName":"bob","IpAddress":"10.0.0.5","IpPort":"50000"}}}',
        at='"TargetUserName":"bo',
        wrong=[('"event_id":"4625"', '"event_id":{"x":1}'), ('"IpPort":"50000"', '"IpPort":-1'),
               ('"@timestamp":"2026-11-27T01:02:03.000Z"', '"@timestamp":true')]),
    "windows/nxlog-json": dict(
        base='{"EventTime":"2026-11-27 01:02:03","Hostname":"pc1.example.org","EventID":4624,'
             '"SourceName":"Microsoft-Windows-Security-Auditing","Channel":"Security",'
             '"TargetUserName":"bob","IpAddress":"10.0.0.5","IpPort":"50000"}',
        at='"TargetUserName":"bo',
        wrong=[('"EventID":4624', '"EventID":"x"'), ('"EventTime":"2026-11-27 01:02:03"', '"EventTime":12'),
               ('"IpAddress":"10.0.0.5"', '"IpAddress":"10.0.0.500"')]),
    "zeek/json": dict(
        base='{"_path":"conn","ts":1764205323.1,"uid":"C1x","id.orig_h":"10.0.0.1","id.orig_p":5000,'
             '"id.resp_h":"10.0.0.2","id.resp_p":80,"proto":"tcp","service":"http","orig_bytes":10}',
        at='"uid":"C1',
        wrong=[('"id.orig_p":5000', '"id.orig_p":"5000x"'), ('"ts":1764205323.1', '"ts":"now"'),
               ('"id.resp_h":"10.0.0.2"', '"id.resp_h":2'), ('"orig_bytes":10', '"orig_bytes":-10')]),
    "aws/cloudtrail": dict(
        base='{"eventVersion":"1.08","eventTime":"2026-11-27T01:02:03Z","eventSource":'
             '"iam.amazonaws.com","eventName":"CreateUser","awsRegion":"us-east-1",'
             '"sourceIPAddress":"203.0.113.5","userAgent":"aws-cli/2.0",'
             '"userIdentity":{"type":"IAMUser","userName":"alice"}}',
        at='"userAgent":"aws-c',
        wrong=[('"sourceIPAddress":"203.0.113.5"', '"sourceIPAddress":42'),
               ('"eventTime":"2026-11-27T01:02:03Z"', '"eventTime":true'),
               ('"userName":"alice"', '"userName":["alice"]')]),
    "okta/system-log": dict(
        base='{"uuid":"u1","published":"2026-11-27T01:02:03.000Z","eventType":"user.session.start",'
             '"displayMessage":"User login to Okta","actor":{"alternateId":"bob@example.org"},'
             '"client":{"ipAddress":"203.0.113.5"},"outcome":{"result":"SUCCESS"}}',
        at='"displayMessage":"User log',
        wrong=[('"result":"SUCCESS"', '"result":1'), ('"published":"2026-11-27T01:02:03.000Z"', '"published":[]'),
               ('"ipAddress":"203.0.113.5"', '"ipAddress":"203.0.113"')]),
    "zscaler/nss-json": dict(
        base='{"sourcetype":"zscalernss-web","event":{"datetime":"2026-11-27 01:02:03","action":'
             '"Allowed","ClientIP":"10.0.0.1","url":"www.example.org/index.html","reqsize":120}}',
        at='"url":"www.exam',
        wrong=[('"ClientIP":"10.0.0.1"', '"ClientIP":"10.0.0.1000"'), ('"datetime":"2026-11-27 01:02:03"', '"datetime":5'),
               ('"reqsize":120', '"reqsize":"big"')]),
    "qianxin/tianqing": dict(
        base='<6>{"version":"天擎6.6.0.4000","log_name":"病毒分析","log_id":"7a33b6ab",'
             '"create_time":"2019-11-06 14:58:17","ip":"192.168.0.211","report_ip":"192.168.0.211",'
             '"mac":"94c691583e3a","content":{"name":"Risk.Blacklist.AccessDeined","virus_path":'
             '"C:\\\\x.zip"}}',
        at='"virus_path":"C:',
        wrong=[('"create_time":"2019-11-06 14:58:17"', '"create_time":0'), ('"ip":"192.168.0.211"', '"ip":["x"]'),
               ('"log_id":"7a33b6ab"', '"log_id":7')]),
}


def cases(spec):
    base = spec["base"].encode()
    at = spec["at"].encode()
    if base.count(at) != 1:
        raise SystemExit(f"'at' must occur once in the base: {spec['at']!r}")
    cut = base.index(at) + len(at)

    def put(extra):
        return base[:cut] + extra + base[cut:]

    json = base.lstrip(b"<0123456789>").startswith(b"{")
    join = spec.get("join", "" if json else " ").encode()
    wrong = base
    for old, new in spec["wrong"]:
        if wrong.count(old.encode()) != 1:
            raise SystemExit(f"wrong-type target must occur once: {old!r}")
        wrong = wrong.replace(old.encode(), new.encode())
    return [base, put(INVALID), put(GBK), put(b"\x00") + b"\x00", put(FILL),
            base[: len(base) * 6 // 10], base + join + base, wrong]


def main():
    for name, spec in SPEC.items():
        lines = [p.encode() for p in spec.get("pre", [])] + cases(spec)
        path = os.path.join(HERE, name.replace("/", "__") + ".input")
        with open(path, "wb") as f:
            f.write(b"\n".join(lines) + b"\n")
    print(f"wrote {len(SPEC)} inputs to {HERE}")


if __name__ == "__main__":
    main()
