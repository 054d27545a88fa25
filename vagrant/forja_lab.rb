# A Vagrant provider whose machines are hosts of forja's local lab (`forja lab`): Debian
# bookworm in systemd-nspawn, booted clean from the lab's image, reached over real SSH on
# 10.77.0.0/24. No box, no VM, no plugin install: the Vagrantfile loads this file.
#
#   vagrant up --provider=forja_lab
#
# Each machine names its lab host:
#
#   node.vm.provider :forja_lab do |lab, override|
#     lab.host = "lab41"                          # 10.77.0.51
#     override.ssh.verify_host_key = :always      # see below
#   end
#
# up boots the host (`forja lab add`), halt stops it, destroy removes it from the lab
# (`forja lab remove`). The machine's address is the lab's own: a private_network address and
# the hostname in the Vagrantfile are not applied (said once at up).
#
# Host keys: the lab knows every host's key (its known_hosts file). ssh_info names an ssh
# config that checks them strictly against that file, so `vagrant ssh` and `vagrant ssh-config`
# (its `Include` line) carry it, and `forja inventory --from-vagrant` verifies them. Vagrant
# adds StrictHostKeyChecking=no unless ssh.verify_host_key is set, hence the override above.
#
# Needs root (as `forja lab` does) and a prepared lab ('forja lab up' once). The forja binary
# is $FORJA, else build/forja beside the Vagrantfile, else forja on the PATH.
require "open3"

module ForjaLab
  LAB_DIR = ENV.fetch("FORJA_LAB_DIR", "/var/lib/forja-lab")

  def self.forja
    return ENV["FORJA"] if ENV["FORJA"] && !ENV["FORJA"].empty?
    local = File.expand_path("../build/forja", __dir__)
    File.executable?(local) ? local : "forja"
  end

  # Run `forja lab ARGS`; returns [output, success].
  def self.lab(*args)
    out, status = Open3.capture2e({ "NO_COLOR" => "1" }, forja, "lab", *args)
    [out, status.success?]
  end

  # The lab's view of one host: nil when the lab does not have it, else
  # { address:, running:, ssh: } from `forja lab status`.
  def self.status(host)
    out, ok = lab("status")
    raise Error, "forja lab status failed:\n#{out}" unless ok
    out.each_line do |line|
      name, address, pid, _kind, ssh = line.split
      next unless name == host
      return { address: address, running: pid != "-", ssh: ssh == "yes" }
    end
    nil
  end

  class Error < Vagrant::Errors::VagrantError
    def initialize(message)
      @forja_message = message
      super()
    end

    def error_message
      @forja_message
    end
  end

  class Plugin < Vagrant.plugin("2")
    name "forja_lab"
    description "Machines as hosts of forja's local lab (systemd-nspawn, real SSH)"

    config(:forja_lab, :provider) { Config }
    provider(:forja_lab, box_optional: true, parallel: false) { Provider }
  end

  class Config < Vagrant.plugin("2", :config)
    # The lab host this machine is: labN, N from 1 to 200 (address 10.77.0.(10+N)).
    attr_accessor :host

    def initialize
      @host = UNSET_VALUE
    end

    def finalize!
      @host = nil if @host == UNSET_VALUE
    end

    def validate(_machine)
      errors = _detected_errors
      unless @host.to_s.match?(/\Alab[1-9][0-9]{0,2}\z/)
        errors << "host must name a lab host, e.g. lab.host = \"lab41\" (got #{@host.inspect})"
      end
      { "forja_lab provider" => errors }
    end
  end

  # One step of an action: calls the block with the machine, then the next step.
  class Step
    def initialize(app, _env, block)
      @app = app
      @block = block
    end

    def call(env)
      @block.call(env[:machine], env[:ui])
      @app.call(env)
    end
  end

  class Provider < Vagrant.plugin("2", :provider)
    def initialize(machine)
      super
      @machine = machine
    end

    def action(name)
      step = {
        up: method(:up), halt: method(:halt), destroy: method(:destroy),
        provision: method(:require_running), reload: method(:reload)
      }[name]
      if step
        return Vagrant::Action::Builder.new.tap { |b| b.use Step, step }
      end
      if name == :ssh || name == :ssh_run
        builtin = name == :ssh ? Vagrant::Action::Builtin::SSHExec : Vagrant::Action::Builtin::SSHRun
        return Vagrant::Action::Builder.new.tap do |b|
          b.use Step, method(:require_running)
          b.use builtin
        end
      end
      nil
    end

    def ssh_info
      info = ForjaLab.status(host)
      return nil unless info && info[:running] && info[:ssh]
      {
        host: info[:address], port: 22, username: "vagrant",
        private_key_path: [File.join(LAB_DIR, "id_ed25519")],
        config: ssh_config_file
      }
    end

    def state
      info = @machine.id ? ForjaLab.status(@machine.id) : nil
      id = if info.nil? then :not_created
           elsif info[:running] then :running
           else :stopped
           end
      long = {
        not_created: "not in the lab; 'vagrant up --provider=forja_lab' boots it",
        running: "a running lab host",
        stopped: "a stopped lab host; 'vagrant up' starts it"
      }[id]
      Vagrant::MachineState.new(id, "#{id.to_s.tr("_", " ")} (#{host})", long)
    end

    def to_s
      "forja lab (#{host})"
    end

    private

    def host
      @machine.provider_config.host
    end

    def lab!(ui, *args)
      out, ok = ForjaLab.lab(*args)
      raise Error, "forja lab #{args.join(' ')} failed:\n#{out}" unless ok
      out.each_line { |l| ui.detail(l.chomp) }
    end

    def up(machine, ui)
      lab!(ui, "add", host)
      machine.id = host
      ignored = machine.config.vm.networks.select { |type, _| type == :private_network }
      addresses = ignored.map { |_, opts| opts[:ip] }.compact
      unless addresses.empty?
        ui.info("#{host} keeps its lab address; private_network #{addresses.join(', ')} is " \
                "not applied")
      end
    end

    def halt(_machine, ui)
      lab!(ui, "stop", host) if state.id == :running
    end

    def reload(machine, ui)
      halt(machine, ui)
      up(machine, ui)
    end

    def destroy(machine, ui)
      lab!(ui, "remove", host)
      machine.id = nil
    end

    def require_running(_machine, _ui)
      return if state.id == :running
      raise Error, "#{@machine.name} (#{host}) is not running: 'vagrant up' first"
    end

    # ssh settings for this machine: its host key checked against the lab's known_hosts.
    def ssh_config_file
      file = @machine.data_dir.join("ssh_config")
      text = "# Written by the forja_lab provider: the lab knows this host's key.\n" \
             "UserKnownHostsFile #{File.join(LAB_DIR, 'known_hosts')}\n" \
             "GlobalKnownHostsFile /dev/null\n" \
             "StrictHostKeyChecking yes\n"
      File.write(file, text) unless File.exist?(file) && File.read(file) == text
      file.to_s
    end
  end
end
