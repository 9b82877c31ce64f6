# The lab's FTP and SCP server images for /cni-bench (the 2019 CNI benchmark's FTP and SCP tests). Sourced by
# bin/lab-images.sh; image_resolve_transfer <repo:tag> <container dir> sets the same variables as image_resolve.
#
# Their files live in directories of the image root that bin/lab-image-mount lays over the machine's (listed in
# <root>/overlays: "<dir in root> <target>"), each in the container's own mount namespace with its own writable
# layer. The targets (/etc/vsftpd, /home/vsftpd, /var/log/vsftpd, /config) are created empty on the machine
# when missing: an overlay needs a mount point.
# shellcheck disable=SC2034 # sourced: the variables set here are read by the scripts that source it

image_resolve_transfer() {
  case $1 in
  fauria/vsftpd:latest)
    # fauria/docker-vsftpd Dockerfile (14d8a2a): FROM centos stream8; yum install vsftpd db4-utils db4 iproute;
    # ENV FTP_USER **String**, FTP_PASS **Random**, PASV_ADDRESS **IPv4**, PASV_MIN_PORT 21100,
    # PASV_MAX_PORT 21110, …; COPY vsftpd.conf /etc/vsftpd/, vsftpd_virtual /etc/pam.d/, run-vsftpd.sh
    # /usr/sbin/; CMD ["/usr/sbin/run-vsftpd.sh"] (here by name: the lab resolves commands on the image's bin/).
    # No curl in it: an FTP client needs another image.
    IMAGE_CMD=(run-vsftpd.sh)
    IMAGE_ROOT=$(image_root vsftpd image_build_vsftpd)
    ;;
  linuxserver/openssh-server:latest)
    # linuxserver/docker-openssh-server Dockerfile (93fb9ee): FROM baseimage-alpine:3.23 (ENTRYPOINT /init,
    # s6-overlay); apk add openssh-client openssh-server-pam openssh-sftp-server netcat-openbsd sudo; EXPOSE 2222;
    # VOLUME /config. So it carries scp and ssh-keygen and serves as the SCP client too.
    IMAGE_ENTRY=(init)
    IMAGE_ROOT=$(image_root openssh-server image_build_openssh_server)
    ;;
  *)
    return 1
    ;;
  esac
}

image_vsftpd_pam() { # <root>: the login check of the vsftpd image
  # fauria/docker-vsftpd vsftpd_virtual (cf9b181), verbatim: pam_userdb against the Berkeley DB run-vsftpd.sh
  # builds with db_load. (An earlier lab check ran a script through pam_exec instead: its child's SIGCHLD reaches
  # vsftpd's session parent, whose two-process handler (vsftpd 3.0.3 twoproc.c, twoproc_handle_sigchld) then
  # waits for the pre-login child that is itself waiting for the login result: every login hung after PASS.
  # pam_userdb forks nothing, as in the image.)
  printf '%s\n' '#%PAM-1.0' \
    'auth	required	pam_userdb.so	db=/etc/vsftpd/virtual_users' \
    'account	required	pam_userdb.so	db=/etc/vsftpd/virtual_users' \
    'session	required	pam_loginuid.so' >"$1/etc-pam.d/vsftpd_virtual"
  # The image's db_load (CentOS db4-utils) as run-vsftpd.sh calls it: `db_load -T -t hash -f <text> <db>`, key and
  # value on alternate lines. The machine has no db_load; Perl's DB_File writes the same Berkeley DB hash file
  # with the libdb pam_userdb reads. Anything else is refused, not guessed.
  cat >"$1/bin/db_load" <<'PL'
#!/usr/bin/perl
use strict;
use warnings;
use DB_File;
use Fcntl;
@ARGV == 6 && $ARGV[0] eq '-T' && $ARGV[1] eq '-t' && $ARGV[2] eq 'hash' && $ARGV[3] eq '-f'
  or die "db_load (lab): only -T -t hash -f <text file> <db file>\n";
my ($in, $out) = @ARGV[4, 5];
open(my $fh, '<', $in) or die "db_load: $in: $!\n";
chomp(my @lines = <$fh>);
@lines % 2 == 0 or die "db_load: $in: odd number of lines\n";
unlink $out;
tie(my %db, 'DB_File', $out, O_RDWR | O_CREAT, 0600, $DB_HASH) or die "db_load: $out: $!\n";
while (my ($k, $v) = splice(@lines, 0, 2)) { $db{$k} = $v; }
untie %db;
PL
  chmod 755 "$1/bin/db_load"
}

image_build_vsftpd() { # <root>
  image_link_packages "$1/bin" "${DEBIAN_SLIM_PACKAGES[@]}" vsftpd iproute2
  ln -sf /usr/bin/mawk "$1/bin/awk" # CentOS has awk (gawk); Debian's is an alternatives link dpkg -L does not list
  mkdir -p "$1/etc-vsftpd" "$1/home-vsftpd" "$1/var-log-vsftpd" "$1/etc-pam.d"
  printf '%s\n' 'etc-vsftpd /etc/vsftpd' 'home-vsftpd /home/vsftpd' 'var-log-vsftpd /var/log/vsftpd' \
    'etc-pam.d /etc/pam.d' >"$1/overlays"
  # fauria/docker-vsftpd vsftpd.conf (0177430), verbatim settings.
  cat >"$1/etc-vsftpd/vsftpd.conf" <<'CONF'
background=NO
anonymous_enable=NO
local_enable=YES
guest_enable=YES
virtual_use_local_privs=YES
write_enable=YES
pam_service_name=vsftpd_virtual
user_sub_token=$USER
local_root=/home/vsftpd/$USER
chroot_local_user=YES
allow_writeable_chroot=YES
hide_ids=YES
pasv_enable=YES
pasv_max_port=21110
pasv_min_port=21100
xferlog_enable=YES
xferlog_file=/var/log/vsftpd/vsftpd.log
port_enable=YES
connect_from_port_20=YES
ftp_data_port=20
CONF
  image_vsftpd_pam "$1"
  # run-vsftpd.sh of fauria/docker-vsftpd (4230da4), the steps that matter: defaults for FTP_USER (admin) and
  # FTP_PASS (16 random characters), mkdir /home/vsftpd/$FTP_USER, the virtual user file and its db_load,
  # PASV_ADDRESS = the default gateway when unset, the pasv_* settings appended to vsftpd.conf, then vsftpd in
  # the foreground.
  cat >"$1/bin/run-vsftpd.sh" <<'SH'
#!/bin/bash
[[ ${FTP_USER:-**String**} == '**String**' ]] && FTP_USER=admin
[[ ${FTP_PASS:-**Random**} == '**Random**' ]] && FTP_PASS=$(tr -dc A-Z-a-z-0-9 </dev/urandom | head -c16)
mkdir -p "/home/vsftpd/$FTP_USER"
chown -R ftp:ftp /home/vsftpd/
printf '%s\n%s\n' "$FTP_USER" "$FTP_PASS" >/etc/vsftpd/virtual_users.txt
db_load -T -t hash -f /etc/vsftpd/virtual_users.txt /etc/vsftpd/virtual_users.db
[[ ${PASV_ADDRESS:-**IPv4**} == '**IPv4**' ]] && PASV_ADDRESS=$(ip route | awk '/default/ { print $3 }')
{
  echo "pasv_address=${PASV_ADDRESS}"
  echo "pasv_max_port=${PASV_MAX_PORT:-21110}"
  echo "pasv_min_port=${PASV_MIN_PORT:-21100}"
  echo "pasv_addr_resolve=${PASV_ADDR_RESOLVE:-NO}"
  echo "pasv_enable=${PASV_ENABLE:-YES}"
  echo "listen_port=${LISTEN_PORT:-21}"
} >>/etc/vsftpd/vsftpd.conf
# CentOS's vsftpd runs standalone with this file (the image's documented `docker run -p 21:21` serves);
# Debian's build defaults to inetd mode (listen=NO), so the lab says listen=YES on the command line. Its log
# (vsftpd_log_file, default /var/log/vsftpd.log) stays in the container: the machine's /var/log is shared.
exec vsftpd /etc/vsftpd/vsftpd.conf -olisten=YES -ovsftpd_log_file=/var/log/vsftpd/vsftpd.log
SH
  chmod 755 "$1/bin/run-vsftpd.sh"
}

image_build_openssh_server() { # <root>
  image_link_packages "$1/bin" "${DEBIAN_SLIM_PACKAGES[@]}" openssh-client openssh-server netcat-openbsd
  mkdir -p "$1/config"
  echo 'config /config' >"$1/overlays"
  # The image's init (s6 init-openssh-server-config/run and svc-openssh-server/run, 93fb9ee): USER_NAME
  # (default linuxserver.io) with home /config; host keys under /config/ssh_host_keys; Port LISTEN_PORT or
  # 2222; PasswordAuthentication no unless PASSWORD_ACCESS=true; PUBLIC_KEY appended to
  # /config/.ssh/authorized_keys (700/600, owned by the user); sshd -D -e -f /config/sshd/sshd_config.
  # The image runs sshd as that user (s6-setuidgid), so no one else can log in; the lab's sshd runs as root with
  # AllowUsers set to the same single user.
  cat >"$1/bin/init" <<'SH'
#!/bin/bash
user=${USER_NAME:-linuxserver.io}
mkdir -p /config/.ssh /config/logs/openssh /config/sshd /config/ssh_host_keys /run/sshd
# The user (uid 911 as the base image's abc) exists in this container only: passwd and group bound over the
# machine's inside the container's mount namespace. The image's own passwd has no machine accounts, so a machine
# account of the same name (the lab's own `netops` login, uid 0) is left out: getpwnam would return it first and
# sshd would look for the key in that account's home ("Permission denied (publickey)", scp: Connection closed).
grep -v "^$user:" /etc/passwd >/config/.lab-passwd; echo "$user:x:911:911::/config:/bin/bash" >>/config/.lab-passwd
grep -v "^$user:" /etc/group >/config/.lab-group; echo "$user:x:911:" >>/config/.lab-group
mount --bind /config/.lab-passwd /etc/passwd && mount --bind /config/.lab-group /etc/group
[[ -f /config/ssh_host_keys/ssh_host_ed25519_key ]] ||
  ssh-keygen -q -t ed25519 -N '' -f /config/ssh_host_keys/ssh_host_ed25519_key
pw=no
[[ ${PASSWORD_ACCESS:-} == true ]] && pw=yes
cat >/config/sshd/sshd_config <<CONF
Port ${LISTEN_PORT:-2222}
PasswordAuthentication $pw
KbdInteractiveAuthentication no
UsePAM no
AllowUsers $user
PidFile /config/sshd.pid
Subsystem sftp internal-sftp
CONF
touch /config/.ssh/authorized_keys
if [[ -n ${PUBLIC_KEY:-} ]] && ! grep -qF "$PUBLIC_KEY" /config/.ssh/authorized_keys; then
  echo "$PUBLIC_KEY" >>/config/.ssh/authorized_keys
fi
chown -R 911:911 /config
chmod go-w /config
chmod 700 /config/.ssh
chmod 600 /config/.ssh/authorized_keys
exec "$(command -v sshd)" -D -e -f /config/sshd/sshd_config -h /config/ssh_host_keys/ssh_host_ed25519_key
SH
  chmod 755 "$1/bin/init"
}
